"""A queue belongs to a level: a ticket moves between queues of its own level by hand or by a
rule, leaves L0 intake for a queue's level as routing would, and changes level only by
escalation or hand-back — never by being put in another level's queue (API PATCH, services,
rules, and an agent opening a ticket into a queue)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_agent, token_for
from tests.routing.support import RoutingWorld, open_problem, routing_world
from tierdesk.domain.people import Agent, Tier
from tierdesk.domain.tickets import Priority, Ticket
from tierdesk.errors import InvalidInputError, InvalidTransitionError, PermissionDeniedError
from tierdesk.services import levels, queues, rules, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def _world(desk: Desk) -> RoutingWorld:
    """The routing world plus a second L1 queue and an L3 queue (L3 takes no intake)."""
    world = routing_world(desk)
    for key, tier in (("l1-other", Tier.L1), ("l3-sbc", Tier.L3)):
        queues.create_queue(desk, SYSTEM, queues.NewQueue(key, key, tier, "kestrel-sbc"))
    return world


def _at_l1(desk: Desk, world: RoutingWorld) -> Ticket:
    ticket = open_problem(desk, world.german)  # routed by rule to l1-sbc
    assert (ticket.tier, ticket.queue) == (Tier.L1, "l1-sbc")
    return ticket


def _bearer(desk: Desk, who: Agent) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(desk, who)}"}


def _patch(client: TestClient, headers: dict[str, str], number: str, **body: Any) -> Any:
    return client.patch(f"/api/v1/tickets/{number}", json=body, headers=headers)


def test_an_l1_agent_cannot_patch_a_ticket_into_an_l3_queue(desk: Desk, client: TestClient) -> None:
    world = _world(desk)
    ticket = _at_l1(desk, world)
    number, before_subject = ticket.number or "", ticket.subject
    l1 = _bearer(desk, make_agent(desk, tiers=[1]))

    before = [e.id for e in tickets.ticket_events(desk, SYSTEM, number)]

    refused = _patch(client, l1, number, queue="l3-sbc", subject="Renamed too")

    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid_transition"
    assert "l3-sbc is an L3 queue" in error["message"]
    assert "escalat" in error["message"]
    after = tickets.get_ticket(desk, SYSTEM, number)
    assert (after.tier, after.queue, after.subject) == (Tier.L1, "l1-sbc", before_subject)
    assert [e.id for e in tickets.ticket_events(desk, SYSTEM, number)] == before  # none at all


def test_a_lead_cannot_move_a_ticket_down_a_level_by_queue_either(desk: Desk) -> None:
    world = _world(desk)
    number = _at_l1(desk, world).number or ""
    queues.create_queue(desk, SYSTEM, queues.NewQueue("l0-desk", "Intake", Tier.L0))

    with pytest.raises(InvalidTransitionError, match="l0-desk is an L0 queue"):
        tickets.update_ticket(desk, world.lead, number, queue="l0-desk")


def test_within_its_level_a_ticket_moves_between_queues_and_the_move_is_recorded(
    desk: Desk, client: TestClient
) -> None:
    world = _world(desk)
    number = _at_l1(desk, world).number or ""

    moved = _patch(client, _bearer(desk, world.anna), number, queue="l1-other")

    assert moved.status_code == 200, moved.text
    assert (moved.json()["queue"], moved.json()["level"]) == ("l1-other", 1)
    routed = [e for e in tickets.ticket_events(desk, SYSTEM, number) if e.action == "ticket.routed"]
    assert routed[-1].changes == {"queue": ["l1-sbc", "l1-other"]}
    assert routed[-1].reason == f"moved to l1-other by {world.anna.name}"


def test_an_unknown_or_inactive_queue_is_refused(desk: Desk, client: TestClient) -> None:
    world = _world(desk)
    number = _at_l1(desk, world).number or ""
    queues.update_queue(desk, SYSTEM, "l1-other", queues.QueueChanges(active=False))

    anna = _bearer(desk, world.anna)
    for key in ("no-such-queue", "l1-other"):
        refused = _patch(client, anna, number, queue=key)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == "queue"


def test_from_intake_a_queue_takes_the_ticket_to_its_level_within_the_entry_rules(
    desk: Desk,
) -> None:
    world = _world(desk)
    at_l0 = open_problem(desk, world.english, product=None, priority=Priority.P4)
    assert (at_l0.tier, at_l0.queue) == (Tier.L0, None)
    number = at_l0.number or ""

    with pytest.raises(InvalidTransitionError, match="takes work only from other levels"):
        tickets.update_ticket(desk, world.lead, number, queue="l3-sbc")
    moved = tickets.update_ticket(desk, world.lead, number, queue="l2-sbc")

    assert (moved.tier, moved.queue) == (Tier.L2, "l2-sbc")


def test_intake_routing_by_hand_stops_at_the_customers_plan(desk: Desk) -> None:
    world = _world(desk)
    levels.update_level(desk, SYSTEM, Tier.L3, levels.LevelChanges(takes_from_customers=True))
    basic = open_problem(desk, world.english, product=None, priority=Priority.P4)
    standard = open_problem(desk, world.german, product=None, priority=Priority.P4)

    with pytest.raises(PermissionDeniedError, match="Basic plan reaches up to L2"):
        tickets.update_ticket(desk, world.lead, basic.number or "", queue="l3-sbc")
    moved = tickets.update_ticket(desk, world.lead, standard.number or "", queue="l3-sbc")

    assert (moved.tier, moved.queue) == (Tier.L3, "l3-sbc")


def test_a_rule_may_set_a_queue_of_the_tickets_level_only(desk: Desk) -> None:
    world = _world(desk)
    rules.create_rule(
        desk,
        SYSTEM,
        rules.NewRule(
            "To the experts",
            {"field": "priority", "op": "eq", "value": "P1"},
            [{"type": "set_queue", "value": "l3-sbc"}],
        ),
    )
    ticket = _at_l1(desk, world)

    changed = tickets.change_priority(desk, world.anna, ticket.number or "", Priority.P1)

    assert (changed.tier, changed.queue) == (Tier.L1, "l1-sbc")
    [firing] = [
        e for e in tickets.ticket_events(desk, SYSTEM, ticket.number or "")
        if e.action == "rule.fired"
    ]  # fmt: skip
    assert "l3-sbc is an L3 queue" in firing.changes["skipped"][0]


def test_an_agent_cannot_open_a_ticket_into_a_queue_no_intake_may_reach(desk: Desk) -> None:
    world = _world(desk)
    new = tickets.NewTicket(
        subject="Straight to the experts", body_text="Please.", requester_id=world.german.id,
        queue="l3-sbc",
    )  # fmt: skip

    with pytest.raises(InvalidTransitionError, match="takes work only from other levels"):
        tickets.open_ticket(desk, world.lead, new)
    with pytest.raises(InvalidInputError, match="queue"):
        tickets.open_ticket(
            desk, world.lead, tickets.NewTicket(subject="x", requester_id=world.german.id,
                                                queue="nowhere")
        )  # fmt: skip
