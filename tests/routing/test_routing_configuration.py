"""Queues, routing rules and agents' routing fields: who may change them, what is refused, and
that every change is audited."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import select

from tests.factories import make_agent
from tests.routing.support import make_sbc, open_problem, routing_world
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role, Tier
from tierdesk.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TierdeskError,
)
from tierdesk.services import agents, queues
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.routing import routing_decisions

Unchanged = Callable[[], AbstractContextManager[None]]


def audit_actions(app: Tierdesk, subject_type: str) -> list[tuple[str, dict[str, object]]]:
    a = tables.audit_events.c
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(a.action, a.changes).where(a.subject_type == subject_type).order_by(a.id)
        )
        return [(row.action, row.changes) for row in rows]


def test_a_lead_creates_a_queue_for_a_level_and_product_area(app: Tierdesk) -> None:
    desk = app.desk
    make_sbc(desk)
    lead = make_agent(desk, role=Role.LEAD)

    queue = queues.create_queue(
        desk,
        lead,
        queues.NewQueue("L1-Relay-DE", "Relay, German", Tier.L1, "Kestrel SBC", "media relay",
                        ["DE", "de"]),
    )  # fmt: skip

    assert (queue.key, queue.tier, queue.languages) == ("l1-relay-de", Tier.L1, ["de"])
    assert queue.product_id is not None and queue.component_id is not None
    assert [q.key for q in queues.list_queues(desk, make_agent(desk))] == ["l1-relay-de"]
    assert audit_actions(app, "queue") == [
        (
            "queue.created",
            {
                "key": "l1-relay-de",
                "tier": 1,
                "product": "Kestrel SBC",
                "component": "media relay",
                "languages": ["de"],
            },
        )
    ]


@pytest.mark.parametrize(
    ("new", "error"),
    [
        (queues.NewQueue("x", "X", Tier.L1, "no-such-product"), InvalidInputError),
        (queues.NewQueue("x", "X", Tier.L1, "kestrel-sbc", "Fax Module"), InvalidInputError),
        (queues.NewQueue("x", "X", Tier.L1, None, "Media Relay"), InvalidInputError),
        (queues.NewQueue("bad key", "X", Tier.L1), InvalidInputError),
        (queues.NewQueue("x", " ", Tier.L1), InvalidInputError),
        (queues.NewQueue("x", "X", Tier.L1, languages=[""]), InvalidInputError),
        (queues.NewQueue("l1-sbc", "Again", Tier.L1), ConflictError),
    ],
    ids=["product", "component", "component-alone", "key", "name", "language", "duplicate"],
)
def test_a_queue_that_cannot_work_is_refused_and_nothing_is_stored(
    desk: Desk, unchanged: Unchanged, new: queues.NewQueue, error: type[TierdeskError]
) -> None:
    make_sbc(desk)
    queues.create_queue(desk, SYSTEM, queues.NewQueue("l1-sbc", "SBC", Tier.L1, "kestrel-sbc"))

    with unchanged(), pytest.raises(error):
        queues.create_queue(desk, SYSTEM, new)


def test_only_leads_configure_routing_and_customers_cannot_read_it(
    desk: Desk, unchanged: Unchanged
) -> None:
    world = routing_world(desk)

    with unchanged():
        for attempt in (
            lambda: queues.create_queue(desk, world.anna, queues.NewQueue("q", "Q", Tier.L1)),
            lambda: queues.update_queue(desk, world.anna, "l1-sbc", queues.QueueChanges("X")),
            lambda: queues.create_routing_rule(
                desk, world.anna, queues.NewRoutingRule("r", "l1-sbc")
            ),
            lambda: queues.delete_routing_rule(desk, world.anna, 1),
            lambda: queues.list_queues(desk, world.german),
            lambda: queues.list_routing_rules(desk, world.german),
        ):
            with pytest.raises(PermissionDeniedError):
                attempt()


def test_a_queue_can_be_renamed_narrowed_to_languages_and_deactivated(app: Tierdesk) -> None:
    desk = app.desk
    world = routing_world(desk)

    changed = queues.update_queue(
        desk, world.lead, "L1-SBC", queues.QueueChanges(name="SBC", languages=["de"], active=False)
    )
    view = queues.get_queue(desk, world.anna, "l1-sbc")

    assert (changed.name, changed.languages, changed.active) == ("SBC", ["de"], False)
    assert (view.queue.name, view.members) == ("SBC", ["Anna", "Ben"])
    assert audit_actions(app, "queue")[-1] == (
        "queue.updated",
        {
            "name": ["L1 Kestrel SBC", "SBC"],
            "languages": [[], ["de"]],
            "active": [True, False],
        },
    )
    with pytest.raises(NotFoundError):
        queues.get_queue(desk, world.anna, "no-such-queue")


def test_an_inactive_rule_queue_is_passed_over_with_the_reason_on_record(desk: Desk) -> None:
    world = routing_world(desk)
    queues.update_queue(desk, world.lead, "l1-sbc", queues.QueueChanges(active=False))

    ticket = open_problem(desk, world.german)

    assert ticket.queue == "l1-general"
    [decision] = routing_decisions(desk, world.lead, ticket.number or "").decisions
    assert (decision.reason or "").startswith(
        "rule 'Urgent anything' (#2) matched (priority P2) → l1-general (L1) "
        "(rule 'SBC on paid plans' (#1) matched but queue l1-sbc is missing or inactive)"
    )


def test_routing_rules_are_kept_in_order_and_can_be_changed_and_removed(app: Tierdesk) -> None:
    desk = app.desk
    world = routing_world(desk)

    first = queues.create_routing_rule(
        desk,
        world.lead,
        queues.NewRoutingRule(
            "German first", "l1-sbc", {"languages": ["de"], "channels": ["email"]}, position=1
        ),
    )
    queues.update_routing_rule(
        desk, world.lead, first.id or 0, queues.RoutingRuleChanges(position=99, assign=False)
    )
    names = [r.name for r in queues.list_routing_rules(desk, world.anna)]
    queues.delete_routing_rule(desk, world.lead, first.id or 0)

    assert names == ["SBC on paid plans", "Urgent anything", "German first"]
    assert [r.name for r in queues.list_routing_rules(desk, world.anna)] == names[:2]
    assert [action for action, _ in audit_actions(app, "routing_rule")][-3:] == [
        "routing_rule.created",
        "routing_rule.updated",
        "routing_rule.deleted",
    ]
    assert audit_actions(app, "routing_rule")[-2][1] == {
        "position": [1, 99],
        "assign": [True, False],
    }


@pytest.mark.parametrize(
    "conditions",
    [
        {"products": ["no-such-product"]},
        {"components": ["Fax Module"]},
        {"plans": ["platinum"]},
        {"types": ["complaint"]},
        {"priorities": ["P9"]},
        {"channels": ["pigeon"]},
        {"product": ["kestrel-sbc"]},
    ],
)
def test_a_routing_rule_naming_what_does_not_exist_is_refused(
    desk: Desk, unchanged: Unchanged, conditions: dict[str, list[str]]
) -> None:
    routing_world(desk)

    with unchanged(), pytest.raises(InvalidInputError):
        queues.create_routing_rule(desk, SYSTEM, queues.NewRoutingRule("r", "l1-sbc", conditions))


def test_a_routing_rule_needs_a_known_queue_and_a_free_name(
    desk: Desk, unchanged: Unchanged
) -> None:
    routing_world(desk)

    with unchanged():
        with pytest.raises(InvalidInputError):
            queues.create_routing_rule(desk, SYSTEM, queues.NewRoutingRule("r", "nowhere"))
        with pytest.raises(ConflictError):
            queues.create_routing_rule(
                desk, SYSTEM, queues.NewRoutingRule("sbc ON paid plans", "l1-sbc")
            )
        with pytest.raises(NotFoundError):
            queues.update_routing_rule(desk, SYSTEM, 999, queues.RoutingRuleChanges(enabled=False))


# -- agents ---------------------------------------------------------------------------------


def test_a_lead_changes_what_routing_reads_about_an_agent_and_it_is_audited(app: Tierdesk) -> None:
    desk = app.desk
    world = routing_world(desk)

    changed = agents.update_agent(
        desk,
        world.lead,
        world.ben.id or 0,
        agents.AgentChanges(
            capacity=5, skills=["SIP Trunk", " SIP Trunk "], languages=["EN", "it"],
            queues=["l1-sbc", "L2-SBC"], tiers=[1, 2],
        ),
    )  # fmt: skip

    assert (changed.capacity, changed.skills, changed.languages) == (5, ["SIP Trunk"], ["en", "it"])
    assert (changed.queues, changed.tiers) == (["l1-sbc", "l2-sbc"], [1, 2])
    action, changes = audit_actions(app, "agent")[-1]
    assert action == "agent.updated"
    assert changes["capacity"] == [20, 5]
    assert changes["queues"] == [["l1-sbc"], ["l1-sbc", "l2-sbc"]]


def test_an_agent_may_mark_only_themselves_away_and_change_nothing_else(
    desk: Desk, unchanged: Unchanged
) -> None:
    world = routing_world(desk)

    away = agents.update_agent(desk, world.anna, world.anna.id or 0, agents.AgentChanges(away=True))
    assert away.away is True
    with unchanged():
        for attempt in (
            agents.AgentChanges(away=True, capacity=50),
            agents.AgentChanges(skills=["everything"]),
        ):
            with pytest.raises(PermissionDeniedError):
                agents.update_agent(desk, world.anna, world.anna.id or 0, attempt)
        with pytest.raises(PermissionDeniedError):
            agents.update_agent(desk, world.anna, world.ben.id or 0, agents.AgentChanges(away=True))
        with pytest.raises(PermissionDeniedError):
            agents.update_agent(desk, world.german, world.anna.id or 0, agents.AgentChanges())


@pytest.mark.parametrize(
    "changes",
    [
        agents.AgentChanges(queues=["no-such-queue"]),
        agents.AgentChanges(capacity=0),
        agents.AgentChanges(languages=[]),
        agents.AgentChanges(tiers=[]),
        agents.AgentChanges(tiers=[7]),
    ],
    ids=["queue", "capacity", "languages", "no-levels", "level"],
)
def test_agent_changes_that_make_no_sense_are_refused(
    desk: Desk, unchanged: Unchanged, changes: agents.AgentChanges
) -> None:
    world = routing_world(desk)

    with unchanged(), pytest.raises(InvalidInputError):
        agents.update_agent(desk, world.lead, world.ben.id or 0, changes)


def test_changing_an_unknown_agent_is_not_found(desk: Desk) -> None:
    with pytest.raises(NotFoundError):
        agents.update_agent(desk, SYSTEM, 4242, agents.AgentChanges(away=True))
    with pytest.raises(NotFoundError):
        agents.set_away(desk, SYSTEM, "nobody@kestrel.example", True)
