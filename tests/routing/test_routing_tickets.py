"""New, escalated and bounced tickets are routed inside the transaction that moved them, and
every decision is on the audit trail with its why."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import make_contact, make_organisation
from tests.routing.support import make_member, open_problem, routing_world
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.domain.handoff import PacketContent, TriedStep
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Priority
from tierdesk.errors import InvalidTransitionError
from tierdesk.services import agents, escalation, queues, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.routing import routing_decisions


def decisions(desk: Desk, reference: str | None) -> list[str]:
    view = routing_decisions(desk, SYSTEM, reference or "")
    return [e.reason or "" for e in view.decisions]


def test_a_new_ticket_goes_to_the_rules_queue_and_level_and_the_best_member_there(
    desk: Desk,
) -> None:
    world = routing_world(desk)

    ticket = open_problem(desk, world.german, component="Media Relay")

    assert (ticket.tier, ticket.queue, ticket.assignee_id) == (Tier.L1, "l1-sbc", world.anna.id)
    [why] = decisions(desk, ticket.number)
    assert why == (
        "rule 'SBC on paid plans' (#1) matched (product kestrel-sbc, plan standard) → l1-sbc "
        "(L1); Anna: speaks de, knows Kestrel SBC, 0/20 open"
    )
    events = tickets.ticket_events(desk, world.lead, ticket.number or "")
    routed = next(e for e in events if e.action == "ticket.routed")
    assert (routed.actor_kind, routed.actor_name) == ("system", "routing")
    assert routed.changes == {
        "queue": [None, "l1-sbc"],
        "tier": [0, 1],
        "assignee_id": [None, world.anna.id],
    }
    assert "ticket.routed" not in [
        e.action for e in tickets.ticket_events(desk, world.german, ticket.number or "")
    ]


def test_a_ticket_no_rule_matches_stays_at_intake_and_the_trail_says_why(desk: Desk) -> None:
    world = routing_world(desk)

    ticket = open_problem(desk, world.english, priority=Priority.P4)  # basic plan, not urgent

    assert (ticket.tier, ticket.queue, ticket.assignee_id) == (Tier.L0, None, None)
    assert decisions(desk, ticket.number) == [
        "no routing rule matched P4 problem via api, product kestrel-sbc, language en, "
        "plan basic; stays at L0 intake for a person to route"
    ]


def test_a_desk_without_routing_rules_records_no_routing(desk: Desk) -> None:
    contact = make_contact(desk)

    ticket = open_problem(desk, contact, product=None)

    assert ticket.tier is Tier.L0
    assert decisions(desk, ticket.number) == []


def test_the_entitlement_decides_the_queue(desk: Desk) -> None:
    world = routing_world(desk)

    paid = open_problem(desk, world.german)
    basic = open_problem(desk, world.english)  # P2: the catch-all urgent rule takes it

    assert paid.queue == "l1-sbc"
    assert basic.queue == "l1-general"
    assert decisions(desk, basic.number)[0].startswith(
        "rule 'Urgent anything' (#2) matched (priority P2) → l1-general (L1); "
        "nobody assigned: the queue has no members"
    )


def test_equals_take_turns_and_the_turn_survives_across_processes(
    app: Tierdesk, clock: FixedClock
) -> None:
    desk = app.desk
    world = routing_world(desk)
    agents.update_agent(desk, SYSTEM, world.ben.id or 0, agents.AgentChanges(languages=["de"]))
    agents.update_agent(
        desk, SYSTEM, world.ben.id or 0, agents.AgentChanges(skills=["Kestrel SBC"])
    )
    other_process = bootstrap(app.settings, clock=clock)  # its own engine and sessions
    try:
        owners, numbers = [], []
        for index in range(4):
            clock.advance(timedelta(minutes=1))
            which = desk if index % 2 == 0 else other_process.desk
            ticket = open_problem(which, world.german)
            owners.append(ticket.assignee_id)
            numbers.append(ticket.number)
            tickets.solve_ticket(desk, SYSTEM, ticket.id or 0, "fixed")  # keep the loads equal
    finally:
        other_process.close()

    assert owners == [world.anna.id, world.ben.id, world.anna.id, world.ben.id]
    assert decisions(desk, numbers[1])[0].endswith("never assigned before among 2 equals")
    assert decisions(desk, numbers[2])[0].endswith("longest since last assignment among 2 equals")


def test_away_and_full_members_are_skipped(desk: Desk) -> None:
    world = routing_world(desk)
    agents.set_away(desk, SYSTEM, world.anna.email, True)
    agents.update_agent(desk, SYSTEM, world.ben.id or 0, agents.AgentChanges(capacity=1))

    first = open_problem(desk, world.german)
    second = open_problem(desk, world.german)

    assert first.assignee_id == world.ben.id
    assert second.assignee_id is None
    assert second.queue == "l1-sbc"
    assert decisions(desk, second.number)[0].endswith(
        "nobody assigned: no member is available; skipped Anna (away), Ben (at capacity 1/1)"
    )
    agents.set_away(desk, SYSTEM, world.anna.email, False)
    assert open_problem(desk, world.german).assignee_id == world.anna.id


def test_an_agent_opening_a_ticket_into_a_queue_routes_it_there(desk: Desk) -> None:
    world = routing_world(desk)
    new = tickets.NewTicket(
        subject="Licence file", body_text="Please renew.", requester_id=world.english.id,
        queue="l1-sbc",
    )  # fmt: skip

    by_agent = tickets.open_ticket(desk, world.lead, new)
    by_customer = tickets.open_ticket(desk, world.english, new)

    assert (by_agent.queue, by_agent.tier) == ("l1-sbc", Tier.L1)
    assert decisions(desk, by_agent.number)[0].startswith(
        f"queue l1-sbc chosen by {world.lead.name} (L1)"
    )
    # A customer cannot pick a queue: the rules decide (no rule takes a P3 question).
    assert (by_customer.tier, by_customer.queue) == (Tier.L0, "l1-sbc")
    assert decisions(desk, by_customer.number)[0].startswith("no routing rule matched")


def test_a_rule_into_a_level_that_takes_no_customer_work_is_refused(desk: Desk) -> None:
    routing_world(desk)
    queues.create_queue(desk, SYSTEM, queues.NewQueue("l3-sbc", "Experts", Tier.L3, "kestrel-sbc"))

    with pytest.raises(InvalidTransitionError, match="takes work only from other levels"):
        queues.create_routing_rule(desk, SYSTEM, queues.NewRoutingRule("direct", "l3-sbc"))


def _packet() -> PacketContent:
    return PacketContent(
        symptoms="One-way audio after 7.2 update",
        environment="SBC 7.2 behind NAT",
        steps_tried=[TriedStep("Restarted media relay", "no change")],
        hypotheses=["NAT pinhole closes early"],
    )


def test_an_escalated_ticket_moves_to_its_new_levels_queue_unassigned_and_back_on_bounce(
    desk: Desk,
) -> None:
    world = routing_world(desk)
    l2 = make_member(desk, "Uwe", queue="l2-sbc", tiers=[2], languages=["de"])
    ticket = open_problem(desk, world.german)
    assert ticket.assignee_id == world.anna.id

    escalation.escalate_ticket(desk, world.anna, ticket.number or "", Tier.L2, "NAT", _packet())
    escalated = tickets.get_ticket(desk, SYSTEM, ticket.id or 0)
    escalation.bounce_escalation(desk, l2, ticket.number or "", "Check the NAT timer", "not L2")
    bounced = tickets.get_ticket(desk, SYSTEM, ticket.id or 0)

    assert (escalated.tier, escalated.queue, escalated.assignee_id) == (Tier.L2, "l2-sbc", None)
    assert (bounced.tier, bounced.queue, bounced.assignee_id) == (
        Tier.L1,
        "l1-sbc",
        world.anna.id,
    )
    assert decisions(desk, ticket.number)[1:] == [
        "escalated to L2: l2-sbc is the L2 queue for Kestrel SBC",
        "handed back to L1: l1-sbc, where it was before the escalation",
    ]


def test_an_escalation_with_no_queue_at_the_new_level_leaves_the_old_queue(desk: Desk) -> None:
    world = routing_world(desk)
    organisation = make_organisation(desk, plan="premium")
    contact = make_contact(desk, organisation=organisation, language="de")
    ticket = open_problem(desk, contact)
    assert ticket.assignee_id == world.anna.id

    escalation.escalate_ticket(desk, world.anna, ticket.number or "", Tier.L3, "defect", _packet())

    moved = tickets.get_ticket(desk, SYSTEM, ticket.id or 0)
    assert (moved.tier, moved.queue) == (Tier.L3, None)
    assert decisions(desk, ticket.number)[-1] == (
        "escalated to L3: no active L3 queue serves Kestrel SBC; it waits at L3 outside any queue"
    )
