"""Time rules: the sweep fires each once per ticket per episode of its condition, also when two
sweeps run at once, and a sweep run twice does nothing twice."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from tests.factories import make_agent, make_contact
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.rules import Trigger
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.services import people, rules, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk

CHASE = {
    "all": [
        {"field": "status", "op": "eq", "value": "pending-customer"},
        {"field": "hours_in_status", "op": "gt", "value": 72},
    ]
}


def add_time_rule(desk: Desk, name: str, condition: dict[str, Any], *actions: Any) -> None:
    rules.create_rule(
        desk, SYSTEM, rules.NewRule(name, condition, list(actions), trigger=Trigger.TIME)
    )


def waiting_on_customer(desk: Desk) -> Ticket:
    """A ticket an agent answered and set to pending-customer."""
    agent = make_agent(desk, tiers=[0, 1])
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="No audio", body_text="Help")
    )
    add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Which version?")
    return tickets.change_status(desk, agent, ticket.id or 0, Status.PENDING_CUSTOMER)


def firings(desk: Desk, ticket: Ticket) -> list[str]:
    return [
        e.changes["rule"]
        for e in tickets.ticket_events(desk, SYSTEM, ticket.id or 0)
        if e.action == "rule.fired"
    ]


def test_a_ticket_pending_on_the_customer_for_three_days_is_chased_once_per_episode(
    desk: Desk, clock: FixedClock
) -> None:
    add_time_rule(
        desk,
        "Chase quiet customers",
        CHASE,
        {"type": "notify", "value": "requester", "text": "Are you still there?"},
        {"type": "add_tag", "value": "chased"},
    )
    ticket = waiting_on_customer(desk)

    clock.advance(timedelta(hours=72))
    assert rules.sweep_time_rules(desk) == 0  # exactly three days is not "more than"
    clock.advance(timedelta(hours=1))
    assert rules.sweep_time_rules(desk) == 1
    assert rules.sweep_time_rules(desk) == 0  # the same episode
    clock.advance(timedelta(days=5))
    assert rules.sweep_time_rules(desk) == 0  # still the same episode
    chased = tickets.get_ticket(desk, SYSTEM, ticket.id or 0)
    assert chased.tags == ["chased"] and chased.status is Status.PENDING_CUSTOMER
    events = tickets.ticket_events(desk, SYSTEM, ticket.id or 0)
    [notification] = [e for e in events if e.action == "notification.requested"]
    assert notification.changes["message"] == "Are you still there?"
    [firing] = [e for e in events if e.action == "rule.fired"]
    assert firing.changes["trigger"] == "time"

    # The customer answers (the episode ends); later the ticket waits on them again.
    contact = next(c for c in people.list_contacts(desk, SYSTEM) if c.id == ticket.requester_id)
    add_message(desk, contact, ticket.id or 0, MessageKind.CUSTOMER, text="Version 7.2")
    tickets.change_status(desk, SYSTEM, ticket.id or 0, Status.PENDING_CUSTOMER)
    clock.advance(timedelta(hours=73))

    assert rules.sweep_time_rules(desk) == 1
    assert firings(desk, ticket) == ["Chase quiet customers"] * 2
    history = rules.rule_firings(desk, SYSTEM, "Chase quiet customers")
    assert [(f.trigger_key, f.closed_at is None) for f in history] == [
        ("episode:2", True),
        ("episode:1", False),
    ]


def test_solved_tickets_close_after_a_week_and_closed_ones_are_left_alone(
    desk: Desk, clock: FixedClock
) -> None:
    add_time_rule(
        desk,
        "Close solved after a week",
        {"all": [{"field": "status", "op": "eq", "value": "solved"},
                 {"field": "hours_in_status", "op": "gte", "value": 168}]},
        {"type": "set_status", "value": "closed"},
    )  # fmt: skip
    agent = make_agent(desk, tiers=[0, 1])
    solved = tickets.open_ticket(desk, make_contact(desk), tickets.NewTicket(subject="Done soon"))
    tickets.solve_ticket(desk, agent, solved.id or 0, "Upgraded to 7.2.1")
    clock.advance(timedelta(days=3))
    fresh = tickets.open_ticket(desk, make_contact(desk), tickets.NewTicket(subject="Done later"))
    tickets.solve_ticket(desk, agent, fresh.id or 0, "Reset the trunk")

    clock.advance(timedelta(days=4))
    assert rules.sweep_time_rules(desk) == 1
    clock.advance(timedelta(days=30))
    assert rules.sweep_time_rules(desk) == 1
    assert rules.sweep_time_rules(desk) == 0

    for ticket in (solved, fresh):
        stored = tickets.get_ticket(desk, SYSTEM, ticket.id or 0)
        assert stored.status is Status.CLOSED
        assert firings(desk, ticket) == ["Close solved after a week"]


def test_disabled_time_rules_do_not_fire(desk: Desk, clock: FixedClock) -> None:
    add_time_rule(desk, "Chase", CHASE, {"type": "add_tag", "value": "chased"})
    rules.disable_rule(desk, SYSTEM, "Chase")
    waiting_on_customer(desk)

    clock.advance(timedelta(days=10))

    assert rules.sweep_time_rules(desk) == 0


def test_two_sweeps_at_once_fire_each_episode_exactly_once(desk: Desk, clock: FixedClock) -> None:
    add_time_rule(desk, "Chase", CHASE, {"type": "add_note", "text": "Chased by phone."})
    waiting = [waiting_on_customer(desk) for _ in range(6)]
    clock.advance(timedelta(days=4))
    start = threading.Barrier(2)
    counts: list[int] = []
    failures: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait()
            counts.append(rules.sweep_time_rules(desk))
        except BaseException as failure:  # reported below, in the test's thread
            failures.append(failure)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sum(counts) == 6
    for ticket in waiting:
        assert firings(desk, ticket) == ["Chase"]
        notes = tickets.get_ticket(desk, SYSTEM, ticket.id or 0).messages
        assert [m.body_text for m in notes if m.kind is MessageKind.INTERNAL_NOTE] == [
            "Chased by phone."
        ]
