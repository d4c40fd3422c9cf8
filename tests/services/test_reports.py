"""Trend reports (services/reports.py) on a small world played through the services: the
figures per level and per organisation, the tickets behind a figure, who may read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.factories import full_packet, make_agent
from tests.sla.support import a_customer, open_ticket, utc
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact, Role, Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import PermissionDeniedError
from tierdesk.services import csat, escalation, metrics, reports, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk
from tierdesk.services.sla_sweep import sweep_deadlines


@dataclass
class Week:
    lead: Agent
    agent: Agent
    customer: Contact
    other: Contact
    solved: Ticket  # up to L1, answered, solved there, rated 4
    bounced: Ticket  # up to L1, up to L2, bounced back to L1, answered, still open
    late: Ticket  # left at L0 unanswered: its first response breaches


def play_a_week(desk: Desk, clock: FixedClock) -> Week:
    """Monday 2 March 2026 from 09:00; the report is read a week later."""
    lead = make_agent(desk, tiers=[0, 1, 2, 3, 4], role=Role.LEAD)
    agent = make_agent(desk, tiers=[0, 1, 2])
    customer, other = a_customer(desk), a_customer(desk)
    solved = open_ticket(desk, contact=customer, subject="Calls drop")
    bounced = open_ticket(desk, contact=customer, subject="Echo on trunks")
    late = open_ticket(desk, contact=other, subject="Fax tones")
    clock.advance(timedelta(minutes=10))
    for ticket in (solved, bounced):
        escalation.escalate_ticket(desk, SYSTEM, ticket.id or 0, Tier.L1, "intake", full_packet())
        add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Looking into it.")
    clock.advance(timedelta(minutes=10))
    escalation.escalate_ticket(desk, SYSTEM, bounced.id or 0, Tier.L2, "lab", full_packet())
    clock.advance(timedelta(minutes=10))
    escalation.bounce_escalation(desk, agent, bounced.id or 0, "Check the codec.", "L1 can")
    tickets.solve_ticket(desk, agent, solved.id or 0, "Replaced the trunk card.")
    clock.advance(timedelta(minutes=10))
    csat.rate_ticket(desk, customer, solved.id or 0, 4, "Quick")
    clock.at = utc(2026, 3, 2, 17, 1)  # the first response (standard P3) was due at 17:00
    sweep_deadlines(desk)
    clock.at = utc(2026, 3, 10, 12, 0)
    return Week(lead, agent, customer, other, solved, bounced, late)


def test_the_report_per_level_counts_backlog_fcr_escalations_sla_and_csat(
    desk: Desk, clock: FixedClock
) -> None:
    w = play_a_week(desk, clock)

    report = reports.trend_report(desk, w.lead, "week", 2, "level")

    assert [p.start for p in report.periods] == [utc(2026, 3, 2), utc(2026, 3, 9)]
    l0, l1, l2 = (report.cell(0, str(level)) for level in (0, 1, 2))
    assert (len(l0.entered), len(l0.went_up), l0.fcr) == (3, 2, 0.0)
    assert (l1.fcr, l1.escalation_rate) == (0.5, 0.5)  # solved one, sent one up
    assert (len(l2.entered), l2.fcr) == (1, 0.0)  # bounced back: not solved at L2
    assert (l0.escalations, l0.bounce_rate) == (2, 0.0)
    assert (l1.escalations, l1.bounced, l1.bounce_rate) == (1, 1, 1.0)
    assert (l0.backlog, l1.backlog) == ({w.late.id}, {w.bounced.id})
    assert report.cell(1, "1").backlog == {w.bounced.id}  # still open at the next week's end
    # Customer clocks by the ticket's level now: three first responses and one resolution.
    assert (l1.sla_met, l1.sla_breached, l0.sla_met, l0.sla_breached) == (3, 0, 0, 1)
    assert (l1.sla_compliance, l0.sla_compliance) == (1.0, 0.0)
    assert (l1.csat_count, l1.csat_average) == (1, 4.0)
    assert report.cell(1, "1").entered == set()  # nothing entered the second week


def test_the_metrics_fcr_over_a_real_desk_is_no_longer_100_percent(
    desk: Desk, clock: FixedClock
) -> None:
    w = play_a_week(desk, clock)

    report = metrics.escalation_metrics(desk, w.lead, utc(2026, 3, 2), utc(2026, 3, 9))

    l1, l2 = report.levels[1], report.levels[2]
    assert (l1.entered, l1.solved_first_contact, l1.first_contact_resolution) == (2, 1, 0.5)
    assert (l2.entered, l2.solved_first_contact, l2.first_contact_resolution) == (1, 0, 0.0)


def test_per_organisation_each_customer_s_tickets_stay_apart(desk: Desk, clock: FixedClock) -> None:
    w = play_a_week(desk, clock)

    report = reports.trend_report(desk, w.lead, "week", 2, "organisation")

    mine, theirs = str(w.customer.organisation_id), str(w.other.organisation_id)
    assert set(report.groups) == {mine, theirs}
    ours = report.cell(0, mine)
    # Level 0's hand-off is no escalation here: L1 (two entries) and L2 (one) count.
    assert (len(ours.entered), len(ours.solved_here), ours.escalations) == (3, 1, 1)
    assert (ours.csat_count, ours.sla_met, ours.backlog) == (1, 3, {w.bounced.id})
    assert (report.cell(0, theirs).sla_breached, report.cell(0, theirs).backlog) == (
        1,
        {w.late.id},
    )


def test_a_bar_lists_exactly_the_tickets_it_counts(desk: Desk, clock: FixedClock) -> None:
    w = play_a_week(desk, clock)
    monday = utc(2026, 3, 2)

    fcr = reports.report_tickets(
        desk, w.lead, "fcr", "week", "level", "1", monday + timedelta(days=3)
    )
    assert {t.id for t in fcr.tickets} == {w.solved.id, w.bounced.id}
    assert (fcr.counted, fcr.hits, fcr.period.start) == (2, {w.solved.id}, monday)
    sla = reports.report_tickets(desk, w.lead, "sla", "week", "level", "0", monday)
    assert ({t.id for t in sla.tickets}, sla.hits) == ({w.late.id}, set())
    rated = reports.report_tickets(
        desk, w.lead, "csat", "week", "organisation", str(w.customer.organisation_id), monday
    )
    assert [t.id for t in rated.tickets] == [w.solved.id]
    backlog = reports.report_tickets(desk, w.lead, "backlog", "week", "level", "1", monday)
    assert [t.id for t in backlog.tickets] == [w.bounced.id]


def test_an_agent_without_the_lead_role_cannot_read_reports(desk: Desk, clock: FixedClock) -> None:
    w = play_a_week(desk, clock)
    with pytest.raises(PermissionDeniedError):
        reports.trend_report(desk, w.agent)
    with pytest.raises(PermissionDeniedError):
        reports.report_tickets(desk, w.agent, "fcr", "week", "level", "1", utc(2026, 3, 2))
    with pytest.raises(PermissionDeniedError):
        reports.trend_report(desk, w.customer, "week", 2, "organisation")
