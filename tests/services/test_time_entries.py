"""Time spent on tickets, on both engines: logging, totals, who may change and read entries,
time in status from the real trail, and the report's sums per organisation and contract."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import full_packet, make_agent, make_contact, make_organisation, make_ticket
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.people import Role, Tier
from tierdesk.domain.tickets import Status
from tierdesk.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.services import escalation, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.time_entries import (
    LoggedTime,
    TimeChanges,
    delete_time_entry,
    edit_time_entry,
    get_time_entry,
    list_time_entries,
    log_time,
    ticket_time,
    time_report,
)


def test_logged_time_is_totalled_on_the_ticket_billable_and_not(desk: Desk) -> None:
    ticket = make_ticket(desk)
    agent = make_agent(desk)

    log_time(desk, agent, ticket.number or "", LoggedTime("1h 30m", note="Read the logs"))
    log_time(desk, agent, ticket.id or 0, LoggedTime(20, date(2026, 3, 1), billable=False))

    spent = ticket_time(desk, agent, ticket.number or "")
    assert [e.minutes for e in spent.entries] == [90, 20]  # newest day first
    assert (spent.total, spent.billable) == (110, 90)
    assert spent.entries[0].work_date == desk.clock.now().date()  # today by default
    assert spent.entries[0].note == "Read the logs"
    assert spent.agent_names[agent.id or 0] == agent.name


def test_a_duration_that_cannot_be_read_stores_nothing(desk: Desk) -> None:
    ticket = make_ticket(desk)
    agent = make_agent(desk)

    with pytest.raises(InvalidInputError) as refused:
        log_time(desk, agent, ticket.id or 0, LoggedTime("an hour or so"))

    assert refused.value.data["field"] == "minutes"
    assert ticket_time(desk, agent, ticket.id or 0).entries == []


def test_agents_change_their_own_entries_and_leads_anyones(desk: Desk) -> None:
    ticket = make_ticket(desk)
    author, colleague = make_agent(desk), make_agent(desk)
    lead = make_agent(desk, role=Role.LEAD)
    entry = log_time(desk, author, ticket.id or 0, LoggedTime("30"))
    assert entry.id is not None

    with pytest.raises(PermissionDeniedError):
        edit_time_entry(desk, colleague, entry.id, TimeChanges(minutes="2h"))
    with pytest.raises(PermissionDeniedError):
        delete_time_entry(desk, colleague, entry.id)
    edit_time_entry(desk, author, entry.id, TimeChanges(minutes="45m", billable=False))
    changed = edit_time_entry(desk, lead, entry.id, TimeChanges(note="checked by the lead"))

    assert (changed.minutes, changed.billable, changed.note) == (45, False, "checked by the lead")
    delete_time_entry(desk, lead, entry.id)
    with pytest.raises(NotFoundError):
        get_time_entry(desk, author, entry.id)


def test_customers_never_read_or_log_time_not_even_on_their_own_ticket(desk: Desk) -> None:
    contact = make_contact(desk)
    ticket = make_ticket(desk, contact=contact)
    entry = log_time(desk, make_agent(desk), ticket.id or 0, LoggedTime("15"))

    with pytest.raises(PermissionDeniedError):
        ticket_time(desk, contact, ticket.id or 0)
    with pytest.raises(PermissionDeniedError):
        get_time_entry(desk, contact, entry.id or 0)
    with pytest.raises(PermissionDeniedError):
        log_time(desk, contact, ticket.id or 0, LoggedTime("15"))
    with pytest.raises(PermissionDeniedError):
        list_time_entries(desk, contact, ticket=ticket.id)


def test_an_agent_who_may_not_open_the_ticket_cannot_read_its_entries(desk: Desk) -> None:
    ticket = make_ticket(desk)
    lead = make_agent(desk, tiers=[1, 2], role=Role.LEAD)
    entry = log_time(desk, lead, ticket.id or 0, LoggedTime("1h"))
    escalation.escalate_ticket(desk, lead, ticket.id or 0, Tier.L2, "lab", full_packet())
    level_one = make_agent(desk, tiers=[1])

    with pytest.raises(NotFoundError):
        ticket_time(desk, level_one, ticket.id or 0)
    with pytest.raises(NotFoundError):
        get_time_entry(desk, level_one, entry.id or 0)
    with pytest.raises(NotFoundError):
        list_time_entries(desk, level_one, ticket=ticket.id)
    assert list_time_entries(desk, level_one) == []  # their own: none


def test_agents_list_their_own_entries_and_leads_anyones(desk: Desk) -> None:
    ticket = make_ticket(desk)
    one, two = make_agent(desk), make_agent(desk)
    lead = make_agent(desk, role=Role.LEAD)
    mine = log_time(desk, one, ticket.id or 0, LoggedTime("10"))
    log_time(desk, two, ticket.id or 0, LoggedTime("20"))

    assert [e.id for e in list_time_entries(desk, one)] == [mine.id]
    with pytest.raises(PermissionDeniedError):
        list_time_entries(desk, one, agent_id=two.id)
    assert len(list_time_entries(desk, lead)) == 2
    assert [e.minutes for e in list_time_entries(desk, lead, agent_id=two.id)] == [20]


def test_time_in_status_is_read_from_the_tickets_real_trail(desk: Desk, clock: FixedClock) -> None:
    ticket = make_ticket(desk)
    lead = make_agent(desk, tiers=[1, 2], role=Role.LEAD)
    clock.advance(timedelta(minutes=30))
    tickets.change_status(desk, lead, ticket.id or 0, Status.OPEN)
    clock.advance(timedelta(hours=2))
    escalation.escalate_ticket(desk, lead, ticket.id or 0, Tier.L2, "lab", full_packet())
    clock.advance(timedelta(hours=1))
    tickets.change_status(desk, lead, ticket.id or 0, Status.PENDING_CUSTOMER)
    clock.advance(timedelta(minutes=15))

    spent = ticket_time(desk, lead, ticket.id or 0).status_time

    minutes = {s: d.total_seconds() / 60 for s, d in spent.statuses}
    assert minutes == {"new": 30, "open": 180, "pending-customer": 15}
    levels = {t: d.total_seconds() / 60 for t, d in spent.levels}
    assert levels[2] == 75
    assert sum(levels.values()) == 225


def test_the_report_sums_time_per_organisation_contract_and_agent(desk: Desk) -> None:
    acme = make_organisation(desk, plan="premium")
    globex = make_organisation(desk, plan="standard")
    acme_ticket = make_ticket(desk, contact=make_contact(desk, organisation=acme))
    acme_other = make_ticket(desk, contact=make_contact(desk, organisation=acme))
    globex_ticket = make_ticket(desk, contact=make_contact(desk, organisation=globex))
    ana, ben = make_agent(desk), make_agent(desk)
    lead = make_agent(desk, role=Role.LEAD)
    today = desk.clock.now().date()
    log_time(desk, ana, acme_ticket.id or 0, LoggedTime("1h"))
    log_time(desk, ben, acme_other.id or 0, LoggedTime("30m", billable=False))
    log_time(desk, ana, globex_ticket.id or 0, LoggedTime("2h"))
    log_time(desk, ana, globex_ticket.id or 0, LoggedTime("3h", today - timedelta(days=40)))

    by_org = {t.label: t for t in time_report(desk, lead, grouping="organisation").totals}
    assert (by_org[acme.name].billable, by_org[acme.name].unbilled) == (60, 30)
    assert len(by_org[acme.name].tickets) == 2
    assert by_org[globex.name].total == 120  # the entry 40 days ago is outside this month
    by_plan = {t.key: t.total for t in time_report(desk, lead, grouping="plan").totals}
    assert by_plan == {str(acme.plan_id): 90, str(globex.plan_id): 120}
    by_agent = {t.label: t.total for t in time_report(desk, lead, grouping="agent").totals}
    assert by_agent == {ana.name: 180, ben.name: 30}
    longer = time_report(desk, lead, today - timedelta(days=60), today, "month").totals
    assert sum(t.total for t in longer) == 390
    with pytest.raises(PermissionDeniedError):
        time_report(desk, ana)


def test_the_report_refuses_a_period_that_ends_before_it_starts(desk: Desk) -> None:
    with pytest.raises(InvalidInputError) as refused:
        time_report(desk, SYSTEM, date(2026, 3, 2), date(2026, 3, 1))
    assert refused.value.data["field"] == "until"
