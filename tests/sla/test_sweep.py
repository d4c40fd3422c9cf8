"""The SLA sweep: warnings and breaches fire once, act as configured, and are audited; two
sweeps at once still fire each one exactly once (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from tests.factories import full_packet, make_agent
from tests.sla.support import FIRST, RESOLUTION, a_customer, a_lead, clocks, open_ticket, utc
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.people import Role, Tier
from tierdesk.domain.sla import BreachAction
from tierdesk.domain.tickets import Priority, Status
from tierdesk.services import escalation, notifications, sla, tickets
from tierdesk.services.desk import Desk
from tierdesk.services.sla_sweep import SweepResult, sweep_deadlines


def events(desk: Desk, ticket_id: int | None, action: str) -> list[dict[str, object]]:
    lead = a_lead(desk)
    return [
        {**e.changes, "reason": e.reason, "actor": e.actor_name}
        for e in tickets.ticket_events(desk, lead, ticket_id or 0)
        if e.action == action
    ]


def set_breach_action(desk: Desk, plan: str, priority: str, action: BreachAction) -> None:
    lead = a_lead(desk)
    view = next(
        v
        for v in sla.list_policies(desk, lead)
        if v.plan_key == plan and v.policy.priority == priority
    )
    sla.update_policy(desk, lead, view.policy.id or 0, sla.PolicyFields(breach_action=action))


def test_a_warning_fires_once_when_its_time_comes_and_tells_the_leads_of_an_unowned_ticket(
    desk: Desk, clock: FixedClock
) -> None:
    lead = make_agent(desk, role=Role.LEAD, tiers=[1])
    ticket = open_ticket(desk)  # L0 pickup due 09:30, warned 10 minutes before
    clock.at = utc(2026, 3, 2, 9, 19)
    assert sweep_deadlines(desk) == SweepResult()

    clock.at = utc(2026, 3, 2, 9, 21)
    assert sweep_deadlines(desk) == SweepResult(warned=1)
    assert sweep_deadlines(desk) == SweepResult()  # the second sweep finds nothing to do

    warned = events(desk, ticket.id, "sla.warned")
    assert [(w["clock"], w["tier"]) for w in warned] == [("level-pickup", 0)]
    assert lead.id in warned[0]["notified"]  # type: ignore[operator]
    notes = notifications.list_notifications(desk, lead)
    assert [(n.kind, n.ticket_id) for n in notes] == [("sla.warning", ticket.id)]
    assert ticket.number is not None and ticket.number in notes[0].text
    assert clocks(desk, ticket)["L0 level-pickup"].warned_at == utc(2026, 3, 2, 9, 21)


def test_a_breach_fires_once_notifies_assignee_and_leads_and_is_on_the_trail(
    desk: Desk, clock: FixedClock
) -> None:
    lead = make_agent(desk, role=Role.LEAD, tiers=[1])
    agent = make_agent(desk, tiers=[0, 1])
    ticket = open_ticket(desk)
    tickets.assign_ticket(desk, agent, ticket.id or 0, agent.id)
    clock.at = utc(2026, 3, 2, 17, 1)  # first response (P3 standard) was due at 17:00

    result = sweep_deadlines(desk)

    assert result.breached == 2  # first response and the L0 hand-off (due 11:00)
    assert sweep_deadlines(desk) == SweepResult()
    breaches = events(desk, ticket.id, "sla.breached")
    assert sorted(str(b["clock"]) for b in breaches) == ["first-response", "level-handoff"]
    assert all(b["outcome"] == "notified" and b["actor"] == "SLA" for b in breaches)
    assert {n.kind for n in notifications.list_notifications(desk, agent)} == {"sla.breach"}
    assert len(notifications.list_notifications(desk, lead)) == 2
    assert clocks(desk, ticket)[FIRST].breached_at == utc(2026, 3, 2, 17, 1)


def test_a_breach_with_escalate_hands_the_ticket_up_with_a_generated_note(
    desk: Desk, clock: FixedClock
) -> None:
    ticket = open_ticket(desk, priority=Priority.P1)  # standard P1: 30 minutes, escalate
    agent = make_agent(desk, tiers=[0, 1])
    tickets.assign_ticket(desk, agent, ticket.id or 0, agent.id)
    clock.at = utc(2026, 3, 2, 9, 31)

    sweep_deadlines(desk)

    escalated = tickets.get_ticket(desk, agent, ticket.id or 0)
    assert escalated.tier is Tier.L1
    [breach] = [b for b in events(desk, ticket.id, "sla.breached") if b["clock"] == FIRST]
    assert breach["outcome"] == "escalated from L0 to L1"
    [handed] = events(desk, ticket.id, "ticket.escalated")
    assert handed["actor"] == "SLA"
    assert "first response target" in str(handed["handoff_note"])
    assert "Every outbound call drops" in str(handed["handoff_note"])
    assert str(handed["reason"]).startswith("SLA breach: the first response target was due")
    assert "L1 level-pickup" in clocks(desk, ticket)  # the new level's clocks run


def test_a_breach_with_raise_priority_moves_the_ticket_one_up_and_retargets_it(
    desk: Desk, clock: FixedClock
) -> None:
    set_breach_action(desk, "standard", "P3", BreachAction.RAISE_PRIORITY)
    ticket = open_ticket(desk)
    clock.at = utc(2026, 3, 2, 17, 1)

    sweep_deadlines(desk)

    lead = a_lead(desk)
    assert tickets.get_ticket(desk, lead, ticket.id or 0).priority is Priority.P2
    assert clocks(desk, ticket)[RESOLUTION].target_minutes == 1620  # standard P2
    [breach] = [b for b in events(desk, ticket.id, "sla.breached") if b["clock"] == FIRST]
    assert breach["outcome"] == "priority raised from P3 to P2"
    assert sweep_deadlines(desk).breached == 0  # the breached clock does not fire again


def test_an_action_that_cannot_be_done_still_records_and_notifies_the_breach(
    desk: Desk, clock: FixedClock
) -> None:
    ticket = open_ticket(desk, plan="basic", priority=Priority.P1)  # escalates on breach
    lead = a_lead(desk)
    for level in (Tier.L1, Tier.L2):  # the basic plan reaches L2 at most
        escalation.escalate_ticket(desk, lead, ticket.id or 0, level, "routine", full_packet())
    clock.at = utc(2026, 3, 2, 10, 1)  # basic P1 first response: 60 minutes

    sweep_deadlines(desk)

    assert tickets.get_ticket(desk, lead, ticket.id or 0).tier is Tier.L2
    [breach] = [b for b in events(desk, ticket.id, "sla.breached") if b["clock"] == FIRST]
    assert breach["outcome"] == "notified; L2 is the highest level this ticket may reach"
    assert lead.id in breach["notified"]  # type: ignore[operator]


def test_a_paused_clock_never_breaches(desk: Desk, clock: FixedClock) -> None:
    ticket = open_ticket(desk)
    agent = make_agent(desk, tiers=[0, 1])
    tickets.assign_ticket(desk, agent, ticket.id or 0, agent.id)
    tickets.change_status(desk, agent, ticket.id or 0, Status.PENDING_CUSTOMER, "waiting")
    clock.at = utc(2026, 3, 20, 12, 0)  # weeks later

    sweep_deadlines(desk)

    # the customer's clocks and the level's hand-off wait with the ticket; the pickup was met
    assert events(desk, ticket.id, "sla.breached") == []


@pytest.mark.parametrize("sweeps", [2, 4])
def test_sweeps_running_at_once_fire_every_breach_exactly_once(
    desk: Desk, clock: FixedClock, sweeps: int
) -> None:
    customer = a_customer(desk)
    opened = [open_ticket(desk, contact=customer) for _ in range(6)]
    clock.at = utc(2026, 3, 2, 17, 1)  # every ticket: first response and L0 clocks overdue
    start = threading.Barrier(sweeps)
    results: list[SweepResult] = []
    failures: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait()
            results.append(sweep_deadlines(desk))
        except BaseException as failure:  # report it in the test thread
            failures.append(failure)

    threads = [threading.Thread(target=sweep) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    total = sum(results, SweepResult())
    assert total.breached == len(opened) * 3  # first response, L0 pickup, L0 hand-off
    for ticket in opened:
        fired = [str(b["clock"]) for b in events(desk, ticket.id, "sla.breached")]
        assert sorted(fired) == ["first-response", "level-handoff", "level-pickup"]
    assert sweep_deadlines(desk) == SweepResult()
