"""rule add|list|disable: the shorthand an operator types, and what it stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tierdesk.domain.rules import AllOf, AnyOf, Comparison, Trigger
from tierdesk.entrypoints.cli.routing import parse_then, parse_when
from tierdesk.errors import InvalidInputError
from tierdesk.services import rules
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def test_rule_add_reads_conditions_and_actions_in_shorthand(tierdesk: Invoke, desk: Desk) -> None:
    added = tierdesk(
        "rule", "add", "--name", "Chase quiet customers", "--trigger", "time",
        "--when", "status=pending-customer", "--when", "hours_in_status>72",
        "--then", "notify=requester", "--then", "add_tag=chased",
        "--text", "Are you still there?",
    )  # fmt: skip

    assert added.exit_code == 0, added.output
    assert added.stdout == (
        "Rule 1 'Chase quiet customers' (time): when status = pending-customer and "
        "hours_in_status > 72: notify requester, add tag chased.\n"
    )
    [rule] = rules.list_rules(desk, SYSTEM)
    assert rule.trigger is Trigger.TIME
    assert rule.condition == AllOf(
        (Comparison("status", "eq", "pending-customer"), Comparison("hours_in_status", "gt", 72))
    )
    assert [a.to_data() for a in rule.actions] == [
        {"type": "notify", "value": "requester", "text": "Are you still there?"},
        {"type": "add_tag", "value": "chased"},
    ]


def test_rule_add_reads_a_json_file_and_rule_list_and_disable_show_it(
    tierdesk: Invoke, desk: Desk, tmp_path: Path
) -> None:
    definition = tmp_path / "vip.json"
    definition.write_text(
        json.dumps(
            {
                "condition": {"any": [{"field": "tags", "op": "contains", "value": "vip"}]},
                "actions": [{"type": "set_priority", "value": "P1"}],
            }
        )
    )

    added = tierdesk(
        "rule", "add", "--name", "VIP", "--json", str(definition), "--on", "ticket.opened"
    )
    listing = tierdesk("rule", "list")
    disabled = tierdesk("rule", "disable", "VIP")
    after = tierdesk("rule", "list")

    assert added.exit_code == 0, added.output
    [rule] = rules.list_rules(desk, SYSTEM)
    assert (rule.condition, rule.events) == (
        AnyOf((Comparison("tags", "contains", "vip"),)),
        ["ticket.opened"],
    )
    assert "VIP" in listing.stdout and "ticket.opened" in listing.stdout
    assert "disabled" not in listing.stdout
    assert disabled.stdout == "Disabled rule 1 'VIP'.\n"
    assert after.stdout.splitlines()[2].rstrip().endswith("disabled")


def test_rule_errors_are_one_line_and_store_nothing(tierdesk: Invoke, desk: Desk) -> None:
    unreadable = tierdesk("rule", "add", "--name", "x", "--when", "mood=sad", "--then", "add_tag=a")
    no_actions = tierdesk("rule", "add", "--name", "x", "--when", "priority=P1")
    unknown = tierdesk("rule", "disable", "nope")

    assert unreadable.exit_code == 1
    assert unreadable.stderr == (
        "Error: cannot read condition 'mood=sad'; e.g. priority=P1 or tags~vip\n"
    )
    assert no_actions.exit_code == 1
    assert no_actions.stderr == "Error: a rule needs a non-empty list of actions\n"
    assert unknown.stderr == "Error: rule 'nope' not found\n"
    assert rules.list_rules(desk, SYSTEM) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("priority=P1,P2", {"field": "priority", "op": "in", "value": ["P1", "P2"]}),
        ("status!=solved", {"field": "status", "op": "ne", "value": "solved"}),
        ("level>=2", {"field": "level", "op": "gte", "value": 2}),
        ("hours_since_update<1.5", {"field": "hours_since_update", "op": "lt", "value": 1.5}),
        ("tags~vip", {"field": "tags", "op": "contains", "value": "vip"}),
        ("tags!~vip", {"field": "tags", "op": "not_contains", "value": "vip"}),
        ("assigned=false", {"field": "assigned", "op": "eq", "value": False}),
    ],
)
def test_the_condition_shorthand(text: str, expected: dict[str, object]) -> None:
    assert parse_when(text) == expected


def test_the_action_shorthand() -> None:
    assert parse_then("escalate=2", "P1 for 4 h") == {
        "type": "escalate",
        "value": 2,
        "text": "P1 for 4 h",
    }
    assert parse_then("add_note=Call them", None) == {"type": "add_note", "text": "Call them"}
    assert parse_then("assign=auto", "ignored") == {"type": "assign", "value": "auto"}
    with pytest.raises(InvalidInputError):
        parse_when("level>two")
