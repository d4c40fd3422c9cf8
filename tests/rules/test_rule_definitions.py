"""Rules as data: conditions and actions are read, checked, evaluated and described."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierdesk.domain.people import Tier
from tierdesk.domain.routing import TicketFacts
from tierdesk.domain.rule_actions import Action, ActionType, parse_actions
from tierdesk.domain.rules import (
    AllOf,
    AnyOf,
    Comparison,
    condition_to_data,
    describe_condition,
    evaluate,
    is_rule_made,
    normalise_events,
    parse_condition,
    prefilter,
)
from tierdesk.errors import InvalidInputError

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)

WAITING = TicketFacts(
    tier=Tier.L1,
    status="pending-customer",
    priority="P3",
    type="problem",
    channel="email",
    queue="l1-sbc",
    tags=("vip",),
    language="de",
    product_key="kestrel-sbc",
    component_name="Media Relay",
    plan="premium",
    hours_since_creation=200.0,
    hours_since_update=10.0,
    hours_in_status=80.0,
)

CHASE = {
    "all": [
        {"field": "status", "op": "eq", "value": "Pending-Customer"},
        {"field": "hours_in_status", "op": "gt", "value": 72},
        {
            "any": [
                {"field": "tags", "op": "contains", "value": "VIP"},
                {"field": "plan", "op": "in", "value": ["premium", "standard"]},
            ]
        },
    ]
}


def test_a_condition_is_read_normalised_and_written_back_the_same() -> None:
    condition = parse_condition(CHASE)

    assert condition == AllOf(
        (
            Comparison("status", "eq", "pending-customer"),
            Comparison("hours_in_status", "gt", 72),
            AnyOf(
                (
                    Comparison("tags", "contains", "vip"),
                    Comparison("plan", "in", ("premium", "standard")),
                )
            ),
        )
    )
    assert parse_condition(condition_to_data(condition)) == condition
    assert describe_condition(condition) == (
        "status = pending-customer and hours_in_status > 72 and "
        "(tags has vip or plan in premium/standard)"
    )


def test_a_condition_holds_only_when_its_parts_do() -> None:
    condition = parse_condition(CHASE)

    assert evaluate(condition, WAITING)
    assert not evaluate(condition, replace(WAITING, hours_in_status=71.9))
    assert not evaluate(condition, replace(WAITING, status="open"))
    assert evaluate(condition, replace(WAITING, tags=()))  # the plan still qualifies
    assert not evaluate(condition, replace(WAITING, tags=(), plan="basic"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"field": "priority", "op": "eq", "value": "p3"}, True),
        ({"field": "priority", "op": "in", "value": ["P1", "P2"]}, False),
        ({"field": "level", "op": "gte", "value": 1}, True),
        ({"field": "queue", "op": "eq", "value": None}, False),
        ({"field": "queue", "op": "ne", "value": None}, True),
        ({"field": "assigned", "op": "eq", "value": False}, True),
        ({"field": "component", "op": "eq", "value": "MEDIA RELAY"}, True),
        ({"field": "language", "op": "not_in", "value": ["en", "fr"]}, True),
        ({"field": "tags", "op": "not_contains", "value": "vip"}, False),
        ({"field": "hours_since_update", "op": "lt", "value": 24}, True),
        ({"field": "channel", "op": "ne", "value": "email"}, False),
        ({"all": []}, True),
        ({"any": []}, False),
    ],
)
def test_each_field_and_operator_compares_as_documented(
    data: dict[str, Any], expected: bool
) -> None:
    assert evaluate(parse_condition(data), WAITING) is expected


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"field": "mood", "op": "eq", "value": "angry"},
        {"field": "status", "op": "gt", "value": "open"},
        {"field": "status", "op": "eq", "value": "sleeping"},
        {"field": "priority", "op": "in", "value": []},
        {"field": "hours_since_update", "op": "gt", "value": "3 days"},
        {"field": "hours_since_update", "op": "gt", "value": -1},
        {"field": "hours_since_update", "op": "gt", "value": True},
        {"field": "level", "op": "eq", "value": 7},
        {"field": "assigned", "op": "eq", "value": "yes"},
        {"field": "tags", "op": "contains", "value": " "},
        {"field": "status", "op": "eq"},
        {"all": {"field": "status", "op": "eq", "value": "open"}},
        {"all": [], "any": []},
        {"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": []}]}]}]}]}]}]},
    ],
)
def test_a_condition_that_cannot_be_evaluated_is_refused_with_where(data: Any) -> None:
    with pytest.raises(InvalidInputError) as refusal:
        parse_condition(data)

    assert refusal.value.message.startswith("condition")


def test_actions_are_read_and_described() -> None:
    actions = parse_actions(
        [
            {"type": "set_priority", "value": "p1"},
            {"type": "add_tag", "value": "Needs Callback"},
            {"type": "set_queue", "value": "L2-SBC"},
            {"type": "assign", "value": "auto"},
            {"type": "assign", "value": 7},
            {"type": "set_status", "value": "solved", "text": "No answer in 7 days."},
            {"type": "add_note", "text": " Chase them "},
            {"type": "escalate", "value": 2, "text": "P1 for 4 h"},
            {"type": "notify", "value": "assignee", "text": "Look at this"},
        ]
    )

    assert actions[0] == Action(ActionType.SET_PRIORITY, "P1")
    assert actions[1].value == "needs-callback"
    assert actions[6] == Action(ActionType.ADD_NOTE, None, "Chase them")
    assert [a.describe() for a in actions] == [
        "set priority P1",
        "add tag needs-callback",
        "set queue l2-sbc",
        "assign within the queue",
        "assign to agent 7",
        "set status solved",
        "add note",
        "escalate to L2",
        "notify assignee",
    ]
    assert parse_actions([a.to_data() for a in actions]) == actions


@pytest.mark.parametrize(
    "data",
    [
        [],
        [{"type": "delete_ticket"}],
        [{"type": "set_priority", "value": "urgent"}],
        [{"type": "set_status", "value": "new"}],
        [{"type": "set_status", "value": "solved"}],
        [{"type": "add_note"}],
        [{"type": "escalate", "value": 0}],
        [{"type": "escalate", "value": True}],
        [{"type": "assign", "value": "anna"}],
        [{"type": "notify", "value": "everyone", "text": "hi"}],
        [{"type": "notify", "value": "assignee"}],
        [{"type": "add_tag", "value": "x", "colour": "red"}],
        [{"type": "add_note", "text": "x" * 10_001}],
        [{"type": "add_tag", "value": "t"}] * 21,
    ],
)
def test_actions_that_cannot_be_taken_are_refused(data: Any) -> None:
    with pytest.raises(InvalidInputError):
        parse_actions(data)


def test_rule_made_events_are_recognised_by_their_actor() -> None:
    assert is_rule_made("system", "rule:Chase quiet customers")
    assert not is_rule_made("system", "routing")
    assert not is_rule_made("agent", "rule:someone's nickname")


def test_rules_cannot_listen_to_rule_events() -> None:
    assert normalise_events(["Ticket.Opened", "ticket.opened", "sla.breached"]) == [
        "ticket.opened",
        "sla.breached",
    ]
    for bad in (["rule.fired"], ["opened"], ["ticket opened"]):
        with pytest.raises(InvalidInputError):
            normalise_events(bad)


def test_the_prefilter_reads_status_and_age_limits_off_the_top_level() -> None:
    where = prefilter(
        parse_condition(
            {
                "all": [
                    {"field": "status", "op": "in", "value": ["pending-customer", "solved"]},
                    {"field": "hours_since_update", "op": "gte", "value": 24},
                    {"field": "hours_in_status", "op": "gt", "value": 72},
                    {"any": [{"field": "status", "op": "eq", "value": "open"}]},
                ]
            }
        ),
        NOW,
    )

    assert where.statuses == ("pending-customer", "solved")
    assert where.updated_before == NOW - timedelta(hours=24)
    assert where.created_before == NOW - timedelta(hours=72)
    assert prefilter(parse_condition({"any": []}), NOW) == type(where)()


@given(
    status=st.sampled_from(["new", "open", "pending-customer", "solved"]),
    in_status=st.floats(0, 1000),
    updated=st.floats(0, 1000),
    age_extra=st.floats(0, 1000),
)
def test_a_ticket_the_prefilter_excludes_never_matches(
    status: str, in_status: float, updated: float, age_extra: float
) -> None:
    condition = parse_condition(
        {
            "all": [
                {"field": "status", "op": "in", "value": ["pending-customer", "solved"]},
                {"field": "hours_since_update", "op": "gt", "value": 48},
                {"field": "hours_in_status", "op": "gte", "value": 72},
            ]
        }
    )
    facts = replace(
        WAITING,
        status=status,
        hours_in_status=in_status,
        hours_since_update=min(updated, in_status + age_extra),
        hours_since_creation=in_status + age_extra,
    )
    where = prefilter(condition, NOW)
    created_at = NOW - timedelta(hours=facts.hours_since_creation)
    updated_at = NOW - timedelta(hours=facts.hours_since_update)

    passes = (
        status in where.statuses
        and (where.updated_before is None or updated_at <= where.updated_before)
        and (where.created_before is None or created_at <= where.created_before)
    )
    if evaluate(condition, facts):
        assert passes
