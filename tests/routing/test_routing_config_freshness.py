"""Routing and the rules remember the configuration they read for one transaction only: what a
lead changes in one request applies to the very next ticket (both engines)."""

from __future__ import annotations

from tests.routing.support import open_problem, routing_world
from tierdesk.domain.people import Tier
from tierdesk.domain.routing import Queue
from tierdesk.domain.tickets import Priority
from tierdesk.services import agents, queues, rules
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def test_each_edit_applies_to_the_next_ticket(desk: Desk) -> None:
    world = routing_world(desk)
    [sbc_rule, _urgent] = queues.list_routing_rules(desk, SYSTEM)
    assert sbc_rule.id is not None
    first = open_problem(desk, world.german)
    assert (first.queue, first.assignee_id) == ("l1-sbc", world.anna.id)

    # A routing rule disabled in one request: the next ticket falls to the urgent rule.
    queues.update_routing_rule(desk, SYSTEM, sbc_rule.id, queues.RoutingRuleChanges(enabled=False))
    second = open_problem(desk, world.german, priority=Priority.P2)
    assert (second.tier, second.queue) == (Tier.L1, "l1-general")

    # A queue deactivated: the rule matches but the ticket stays at intake.
    queues.update_queue(desk, SYSTEM, "l1-general", queues.QueueChanges(active=False))
    third = open_problem(desk, world.german, priority=Priority.P2)
    assert (third.tier, third.queue) == (Tier.L0, None)

    # Membership: Anna leaves l1-sbc, so the next German SBC ticket goes to Ben.
    queues.update_routing_rule(desk, SYSTEM, sbc_rule.id, queues.RoutingRuleChanges(enabled=True))
    assert world.anna.id is not None
    agents.update_agent(desk, SYSTEM, world.anna.id, agents.AgentChanges(queues=["l1-general"]))
    fourth = open_problem(desk, world.german)
    assert (fourth.queue, fourth.assignee_id) == ("l1-sbc", world.ben.id)

    # An automation rule created in one request fires on the next ticket's events.
    rules.create_rule(
        desk,
        SYSTEM,
        rules.NewRule(
            "tag sbc",
            {"all": [{"field": "product", "op": "eq", "value": "kestrel-sbc"}]},
            [{"type": "add_tag", "value": "sbc"}],
        ),
    )
    fifth = open_problem(desk, world.german)
    assert "sbc" in fifth.tags
    assert "sbc" not in fourth.tags


def test_a_transaction_rereads_what_another_one_committed(desk: Desk) -> None:
    routing_world(desk)
    with desk.uow() as uow:
        assert [q.key for q in uow.queues.all() if q.active] == [
            "l1-general",
            "l1-sbc",
            "l2-sbc",
        ]
        assert len(uow.rules.all(enabled_only=True)) == 0
        # Another request changes the configuration and commits meanwhile.
        queues.update_queue(desk, SYSTEM, "l1-general", queues.QueueChanges(active=False))
        rules.create_rule(
            desk,
            SYSTEM,
            rules.NewRule(
                "any", {"all": [{"field": "tags", "op": "contains", "value": "x"}]},
                [{"type": "add_tag", "value": "y"}],
            ),
        )  # fmt: skip
        uow.commit()  # this unit of work's transaction ends; the next read starts a new one
        assert [q.key for q in uow.queues.all() if q.active] == ["l1-sbc", "l2-sbc"]
        assert [r.name for r in uow.rules.all(enabled_only=True)] == ["any"]


def test_a_write_in_the_same_transaction_is_seen_by_the_next_read(desk: Desk) -> None:
    routing_world(desk)
    with desk.uow() as uow:
        before = uow.queues.all()
        uow.queues.add(Queue("l3-sbc", "L3 SBC", Tier.L3), desk.clock.now())
        after = uow.queues.all()
        uow.rollback()
        assert [q.key for q in after] == [*[q.key for q in before], "l3-sbc"]
        assert "l3-sbc" not in [q.key for q in uow.queues.all()]  # rolled back
