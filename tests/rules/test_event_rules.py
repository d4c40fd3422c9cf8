"""Rules on ticket events: they fire inside the transaction, are audited on the ticket, take
their actions through the domain, and can never loop."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from tests.factories import make_agent, make_contact
from tests.routing.support import make_member, open_problem, routing_world
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Role, Tier
from tierdesk.domain.rules import Trigger
from tierdesk.domain.tickets import Priority, Status, TicketType
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.services import escalation, notifications, people, rules, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk

Unchanged = Callable[[], AbstractContextManager[None]]


def when(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


def add_rule(desk: Desk, name: str, condition: dict[str, Any], *actions: dict[str, Any],
             events: list[str] | None = None) -> None:  # fmt: skip
    rules.create_rule(
        desk, SYSTEM, rules.NewRule(name, condition, list(actions), events=events or [])
    )


def trail(desk: Desk, ticket_id: int | None) -> list[AuditEvent]:
    return tickets.ticket_events(desk, SYSTEM, ticket_id or 0)


def fired(desk: Desk, ticket_id: int | None) -> list[str]:
    return [e.changes["rule"] for e in trail(desk, ticket_id) if e.action == "rule.fired"]


def test_a_rule_fires_on_its_event_and_the_firing_and_its_changes_are_on_the_trail(
    desk: Desk,
) -> None:
    add_rule(
        desk,
        "Outages are P1",
        when("type", "eq", "outage"),
        {"type": "set_priority", "value": "P1"},
        {"type": "add_tag", "value": "outage"},
        events=["ticket.opened"],
    )
    contact = make_contact(desk)

    ticket = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="All calls down", type="outage")
    )

    assert (ticket.priority, ticket.tags) == (Priority.P1, ["outage"])
    events = trail(desk, ticket.id)
    assert [e.action for e in events] == [
        "ticket.opened",
        "rule.fired",
        "ticket.priority_changed",
        "ticket.updated",
    ]
    firing = events[1]
    assert (firing.actor_kind, firing.actor_name) == ("system", "rule:Outages are P1")
    assert firing.changes == {
        "rule": "Outages are P1",
        "rule_id": 1,
        "trigger": "ticket.opened",
        "condition": "type = outage",
        "actions": ["set priority P1", "add tag outage"],
    }
    assert all(e.actor_name == "rule:Outages are P1" for e in events[1:])
    assert events[2].reason == "rule 'Outages are P1'"
    # The customer sees their ticket's priority change, not the rule machinery.
    seen = [e.action for e in tickets.ticket_events(desk, contact, ticket.id or 0)]
    assert "rule.fired" not in seen and "ticket.priority_changed" in seen


def test_a_rule_whose_condition_does_not_hold_or_listens_elsewhere_does_nothing(
    desk: Desk,
) -> None:
    add_rule(desk, "Outages", when("type", "eq", "outage"), {"type": "add_tag", "value": "x"})
    add_rule(desk, "On replies", {"all": []}, {"type": "add_tag", "value": "y"},
             events=["message.added"])  # fmt: skip

    ticket = tickets.open_ticket(desk, make_contact(desk), tickets.NewTicket(subject="Question"))

    assert ticket.tags == []
    assert fired(desk, ticket.id) == []


def test_two_rules_that_would_ping_pong_change_the_ticket_once_and_stop(desk: Desk) -> None:
    add_rule(desk, "Ping", when("priority", "eq", "P2"), {"type": "set_priority", "value": "P1"})
    add_rule(desk, "Pong", when("priority", "eq", "P1"), {"type": "set_priority", "value": "P2"})
    agent = make_agent(desk, tiers=[0, 1])
    ticket = tickets.open_ticket(desk, make_contact(desk), tickets.NewTicket(subject="Slow"))

    changed = tickets.change_priority(desk, agent, ticket.id or 0, Priority.P2)

    assert changed.priority is Priority.P1
    assert fired(desk, ticket.id) == ["Ping"]
    priorities = [
        (e.actor_name, e.changes["priority"])
        for e in trail(desk, ticket.id)
        if e.action == "ticket.priority_changed"
    ]
    assert priorities == [(agent.name, ["P3", "P2"]), ("rule:Ping", ["P2", "P1"])]
    # The person's next change triggers the other rule once; again nothing bounces back.
    tickets.change_priority(desk, agent, ticket.id or 0, Priority.P3)
    tickets.change_priority(desk, agent, ticket.id or 0, Priority.P1)
    assert tickets.get_ticket(desk, SYSTEM, ticket.id or 0).priority is Priority.P2
    assert fired(desk, ticket.id) == ["Ping", "Pong"]


def test_an_escalating_rule_hands_over_a_drafted_packet_and_routing_follows_as_the_rule(
    desk: Desk,
) -> None:
    """Escalating makes routing act; routing's reaction to the rule's change keeps the rule's
    name, so nothing down the chain triggers rules again."""
    world = routing_world(desk)
    make_member(desk, "Uwe", queue="l2-sbc", tiers=[2])
    add_rule(
        desk,
        "P1 outage to L2",
        {"all": [when("type", "eq", "outage"), when("priority", "eq", "P1")]},
        {"type": "escalate", "value": 2, "text": "P1 outages go to seniors"},
        {"type": "add_note", "text": "Escalated automatically."},
        events=["ticket.priority_changed"],
    )
    new = tickets.NewTicket(
        subject="Nothing works",
        body_text="Since 9:00 all calls fail.",
        type=TicketType.OUTAGE,
        priority=Priority.P2,
        catalog=tickets.CatalogRef("kestrel-sbc"),
    )
    ticket = tickets.open_ticket(desk, world.german, new)
    add_message(desk, world.anna, ticket.id or 0, MessageKind.INTERNAL_NOTE,
                text="Restarted the media relay, no change.")  # fmt: skip
    assert fired(desk, ticket.id) == []

    tickets.change_priority(desk, world.anna, ticket.id or 0, Priority.P1)

    stored = tickets.get_ticket(desk, SYSTEM, ticket.id or 0)
    assert (stored.tier, stored.queue, stored.assignee_id) == (Tier.L2, "l2-sbc", None)
    assert fired(desk, ticket.id) == ["P1 outage to L2"]
    actions = [(e.action, e.actor_name) for e in trail(desk, ticket.id)]
    assert actions[-6:] == [
        ("ticket.priority_changed", "Anna"),
        ("rule.fired", "rule:P1 outage to L2"),
        ("ticket.escalated", "rule:P1 outage to L2"),
        ("ticket.status_changed", "rule:P1 outage to L2"),
        ("message.added", "rule:P1 outage to L2"),
        ("ticket.routed", "rule:P1 outage to L2"),
    ]
    [packet] = escalation.list_packets(desk, SYSTEM, ticket.id or 0)
    assert (packet.from_tier, packet.to_tier, packet.author_name) == (
        Tier.L1,
        Tier.L2,
        "rule:P1 outage to L2",
    )
    step = packet.content.steps_tried[0]  # the note's verdict is the step's result
    assert (step.step, step.result) == ("Restarted the media relay", "No change.")
    # The receiving level accepts it like any other escalation.
    uwe = next(a for a in people.list_agents(desk, SYSTEM) if a.name == "Uwe")
    accepted = escalation.accept_escalation(desk, uwe, ticket.id or 0)
    assert accepted.assignee_id == uwe.id


def test_an_escalating_rule_is_skipped_when_the_drafted_packet_is_not_enough(
    desk: Desk,
) -> None:
    world = routing_world(desk)
    add_rule(desk, "Straight to L2", when("type", "eq", "outage"),
             {"type": "escalate", "value": 2}, events=["ticket.opened"])  # fmt: skip

    ticket = open_problem(desk, world.german)
    outage = tickets.open_ticket(
        desk, world.german, tickets.NewTicket(subject="Down", body_text="All calls fail.",
                                              type=TicketType.OUTAGE)
    )  # fmt: skip

    assert fired(desk, ticket.id) == []
    assert outage.tier is Tier.L0
    [firing] = [e for e in trail(desk, outage.id) if e.action == "rule.fired"]
    assert firing.changes["skipped"] == [
        "escalate to L2: L2 (Senior support) takes a ticket only with a hand-off packet that "
        "gives: environment, steps tried"
    ]


def test_actions_that_do_not_apply_are_skipped_and_the_skip_is_recorded(desk: Desk) -> None:
    add_rule(
        desk,
        "Tidy",
        {"all": []},
        {"type": "set_priority", "value": "P3"},
        {"type": "set_status", "value": "closed"},
        {"type": "assign", "value": "auto"},
        {"type": "notify", "value": "assignee", "text": "New ticket"},
        {"type": "add_tag", "value": "seen"},
        events=["ticket.opened"],
    )

    ticket = tickets.open_ticket(desk, make_contact(desk), tickets.NewTicket(subject="Hello"))

    assert (ticket.status, ticket.tags) == (Status.CLOSED, [])  # new → closed is allowed
    [firing] = [e for e in trail(desk, ticket.id) if e.action == "rule.fired"]
    assert firing.changes["skipped"] == [
        "set priority P3: already P3",
        "assign within the queue: the ticket is in no queue to pick a member of",
        "notify assignee: nobody to notify as assignee",
        "add tag seen: ticket TD-1001 is closed; open a follow-up ticket instead",
    ]


def test_the_queue_assign_and_notify_actions_use_routing_and_record_recipients(
    desk: Desk,
) -> None:
    world = routing_world(desk)
    add_rule(
        desk,
        "Relay to its queue",
        when("component", "eq", "media relay"),
        {"type": "set_queue", "value": "l1-sbc"},
        {"type": "assign", "value": "auto"},
        {"type": "notify", "value": "assignee", "text": "A relay ticket for you"},
        events=["ticket.opened"],
    )

    ticket = open_problem(desk, world.english, component="Media Relay", priority=Priority.P4)

    assert (ticket.tier, ticket.queue, ticket.assignee_id) == (Tier.L1, "l1-sbc", world.ben.id)
    events = trail(desk, ticket.id)
    [notification] = [e for e in events if e.action == "notification.requested"]
    assert notification.changes == {
        "to": "assignee",
        "recipients": [world.ben.email],
        "message": "A relay ticket for you",
    }
    [note] = notifications.list_notifications(desk, world.ben)
    assert (note.kind, note.text, note.ticket_id) == (
        "rule.notify",
        "A relay ticket for you",
        ticket.id,
    )
    routed = [e.reason for e in events if e.action == "ticket.routed"]
    assert routed == [
        "no routing rule matched P4 problem via api, product kestrel-sbc, component Media Relay, "
        "language en, plan basic; stays at L0 intake for a person to route",
        "rule 'Relay to its queue' set queue l1-sbc",
        "Ben: speaks en, knows Media Relay, 0/20 open",
    ]


def test_rule_changes_by_people_are_audited_and_only_leads_make_them(
    desk: Desk, unchanged: Unchanged
) -> None:
    lead = make_agent(desk, role=Role.LEAD)
    agent = make_agent(desk)
    rule = rules.create_rule(
        desk,
        lead,
        rules.NewRule("VIP", when("tags", "contains", "vip"), [{"type": "set_priority",
                      "value": "P2"}]),
    )  # fmt: skip

    with unchanged():
        with pytest.raises(PermissionDeniedError):
            rules.create_rule(desk, agent, rules.NewRule("x", {"all": []}, [{"type": "add_note",
                              "text": "x"}]))  # fmt: skip
        with pytest.raises(PermissionDeniedError):
            rules.disable_rule(desk, agent, "VIP")
        with pytest.raises(ConflictError):
            rules.create_rule(desk, lead, rules.NewRule("vip", {"all": []}, [{"type": "add_note",
                              "text": "x"}]))  # fmt: skip
        with pytest.raises(InvalidInputError):
            rules.create_rule(desk, lead, rules.NewRule("q", {"all": []}, [{"type": "set_queue",
                              "value": "nowhere"}]))  # fmt: skip
        with pytest.raises(InvalidInputError):
            rules.create_rule(desk, lead, rules.NewRule("a", {"all": []}, [{"type": "assign",
                              "value": 999}]))  # fmt: skip
        with pytest.raises(InvalidInputError):
            rules.create_rule(
                desk, lead, rules.NewRule("t", {"all": []}, [{"type": "add_note", "text": "x"}],
                                          trigger=Trigger.TIME, events=["ticket.opened"]),
            )  # fmt: skip
        with pytest.raises(NotFoundError):
            rules.get_rule(desk, agent, "no such rule")

    disabled = rules.disable_rule(desk, lead, str(rule.id))
    renamed = rules.update_rule(desk, lead, "VIP", rules.RuleChanges(name="VIP customers"))

    assert disabled.enabled is False
    assert renamed.name == "VIP customers"
    assert [r.name for r in rules.list_rules(desk, agent)] == ["VIP customers"]
    ticket = tickets.open_ticket(desk, make_contact(desk), tickets.NewTicket(subject="x",
                                 tags=["vip"]))  # fmt: skip
    assert ticket.priority is Priority.P3  # disabled rules do not fire


def test_a_rule_with_nothing_left_to_do_records_nothing(desk: Desk) -> None:
    add_rule(desk, "VIP", when("tags", "contains", "vip"), {"type": "set_priority", "value": "P2"})
    agent = make_agent(desk, tiers=[0, 1])
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="Help", tags=["vip"])
    )

    for text in ("First look", "Second look"):  # every event is the rule's event
        add_message(desk, agent, ticket.id or 0, MessageKind.INTERNAL_NOTE, text=text)

    assert fired(desk, ticket.id) == ["VIP"]
    opened = trail(desk, ticket.id)[0]
    assert [f.trigger_key for f in rules.rule_firings(desk, SYSTEM, "VIP")] == [
        f"event:{opened.id}"
    ]
