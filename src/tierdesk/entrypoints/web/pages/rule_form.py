"""The automation-rule builder's form (pages/admin_rules.py): the rows a lead typed, read back
into a rule's condition and actions, and the words the page shows for operators and actions."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tierdesk.domain.rule_actions import ActionType, parse_actions
from tierdesk.domain.rules import (
    FIELDS,
    OPERATORS,
    AllOf,
    AnyOf,
    AutomationRule,
    Comparison,
    FieldKind,
    Trigger,
    parse_condition,
)
from tierdesk.errors import InvalidInputError

OPERATOR_LABELS = {
    "eq": "is",
    "ne": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "gt": "more than",
    "gte": "at least",
    "lt": "less than",
    "lte": "at most",
    "contains": "has",
    "not_contains": "lacks",
}
ACTION_LABELS = {
    ActionType.SET_PRIORITY: "Set priority",
    ActionType.ADD_TAG: "Add tag",
    ActionType.SET_QUEUE: "Move to queue",
    ActionType.ASSIGN: "Assign to",
    ActionType.SET_STATUS: "Set status",
    ActionType.ADD_NOTE: "Add internal note",
    ActionType.ESCALATE: "Escalate to level",
    ActionType.NOTIFY: "Notify",
}


@dataclass
class Row:
    first: str = ""  # a condition's field, an action's type
    second: str = ""  # a condition's operator, an action's value
    third: str = ""  # a condition's value, an action's text


@dataclass
class RuleForm:
    """What is typed into the builder, kept as text so that it can be shown again."""

    name: str = ""
    description: str = ""
    trigger: str = Trigger.EVENT.value
    events: str = ""
    match: str = "all"
    conditions: list[Row] = field(default_factory=lambda: [Row()])
    actions: list[Row] = field(default_factory=lambda: [Row()])
    enabled: bool = True
    nested: str = ""  # a condition the rows cannot show (groups in groups): kept as it is

    @classmethod
    def of(cls, rule: AutomationRule) -> RuleForm:
        condition, nested = rule.condition, ""
        items: tuple[Any, ...] = (condition,)
        if isinstance(condition, AllOf | AnyOf):
            items = condition.items
        if not all(isinstance(c, Comparison) for c in items):
            nested, items = rule.describe(), ()
        return cls(
            name=rule.name,
            description=rule.description,
            trigger=rule.trigger.value,
            events=", ".join(rule.events),
            match="any" if isinstance(condition, AnyOf) else "all",
            conditions=[Row(c.field, c.op, shown(c.value)) for c in items] or [Row()],
            actions=[
                Row(a.type.value, "" if a.value is None else str(a.value), a.text or "")
                for a in rule.actions
            ],
            enabled=rule.enabled,
            nested=nested,
        )


def shown(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def rows_of(
    first: list[str] | None, second: list[str] | None, third: list[str] | None
) -> list[Row]:
    a, b, c = first or [], second or [], third or []
    size = max(len(a), len(b), len(c))
    return [Row(*(x[i] if i < len(x) else "" for x in (a, b, c))) for i in range(size)]


def _number(text: str) -> int | float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number):  # "nan", "inf", "1e309" are numbers to float(), not to us
        return None
    return int(number) if number.is_integer() else number


def _condition_value(row: Row, i: int) -> Any:
    kind = FIELDS[row.first][0] if row.first in FIELDS else None
    text = row.third.strip()
    if row.second in ("in", "not_in"):
        return [w.strip() for w in text.split(",") if w.strip()]
    if kind is FieldKind.NUMBER:
        number = _number(text.upper().removeprefix("L") if row.first == "level" else text)
        if number is None:
            raise InvalidInputError(
                f"Condition {i + 1}: {row.first} needs a number", field=f"c_value-{i}"
            )
        return number
    if kind is FieldKind.FLAG:
        if text.lower() not in ("true", "false", "yes", "no"):
            raise InvalidInputError(
                f"Condition {i + 1}: {row.first} is yes or no", field=f"c_value-{i}"
            )
        return text.lower() in ("true", "yes")
    return text


def condition_of(form: RuleForm) -> dict[str, Any]:
    items = []
    for i, row in enumerate(form.conditions):
        if not (row.first or row.third.strip()):
            continue  # an empty row is no condition
        data = {"field": row.first, "op": row.second, "value": _condition_value(row, i)}
        try:
            parse_condition(data, f"Condition {i + 1}")
        except InvalidInputError as error:
            kind = FIELDS[row.first][0] if row.first in FIELDS else None
            part = (
                "c_field"
                if kind is None
                else "c_op"
                if row.second not in OPERATORS[kind]
                else "c_value"
            )
            raise InvalidInputError(error.message, field=f"{part}-{i}") from error
        items.append(data)
    return {"any" if form.match == "any" else "all": items}


def _action_value(row: Row) -> str | int | None:
    text = row.second.strip()
    if not text:
        return None
    if row.first == ActionType.ESCALATE and text.upper().removeprefix("L").isdigit():
        return int(text.upper().removeprefix("L"))
    if row.first == ActionType.ASSIGN and text.isdigit():
        return int(text)
    return text


def actions_of(form: RuleForm) -> list[dict[str, Any]]:
    actions = []
    for i, row in enumerate(form.actions):
        if not (row.first or row.second.strip() or row.third.strip()):
            continue
        data: dict[str, Any] = {"type": row.first or "?"}
        value, text = _action_value(row), row.third.strip()
        if value is not None:
            data["value"] = value
        if text:
            data["text"] = text
        try:
            parse_actions([data])
        except InvalidInputError as error:
            message = error.message.replace("actions[0]", f"Action {i + 1}")
            after = message.partition(":")[2]
            part = (
                "a_type"
                if row.first not in {t.value for t in ActionType}
                else "a_text"
                if "a text" in after
                else "a_value"
            )
            raise InvalidInputError(message, field=f"{part}-{i}") from error
        actions.append(data)
    if not actions:
        raise InvalidInputError("A rule needs at least one action", field="a_type-0")
    return actions
