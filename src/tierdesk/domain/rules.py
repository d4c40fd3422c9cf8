"""Automation rules: a condition over a ticket's fields, and the actions to take when it holds.

Rules are data (JSON an admin edits through the API); this module parses and checks that data,
evaluates conditions against :class:`TicketFacts` and describes rules in words for the audit
trail. Applying the actions is the services' job.

Loops are impossible by construction, not by convention: whatever a rule changes is done by the
actor ``rule:<name>``, and events by such actors never trigger rules (see :func:`is_rule_made`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tierdesk.domain.messages import Channel
from tierdesk.domain.people import ActorKind, SystemActor, Tier
from tierdesk.domain.routing import TicketFacts
from tierdesk.domain.rule_actions import Action
from tierdesk.domain.tickets import Priority, Status, TicketType, normalise_tags
from tierdesk.errors import InvalidInputError

RULE_ACTOR_PREFIX = "rule:"


class Trigger(StrEnum):
    EVENT = "event"  # evaluated when something happens to a ticket
    TIME = "time"  # evaluated by the periodic sweep (e.g. "pending-customer for 3 days")


class FieldKind(StrEnum):
    CHOICE = "choice"
    TEXT = "text"
    NUMBER = "number"
    TAGS = "tags"
    FLAG = "flag"


# The fields a condition may look at, with the values a CHOICE field accepts.
FIELDS: dict[str, tuple[FieldKind, frozenset[str]]] = {
    "status": (FieldKind.CHOICE, frozenset(s.value for s in Status)),
    "priority": (FieldKind.CHOICE, frozenset(p.value for p in Priority)),
    "type": (FieldKind.CHOICE, frozenset(t.value for t in TicketType)),
    "channel": (FieldKind.CHOICE, frozenset(c.value for c in Channel)),
    "level": (FieldKind.NUMBER, frozenset()),
    "queue": (FieldKind.TEXT, frozenset()),
    "product": (FieldKind.TEXT, frozenset()),
    "component": (FieldKind.TEXT, frozenset()),
    "plan": (FieldKind.TEXT, frozenset()),
    "language": (FieldKind.TEXT, frozenset()),
    "tags": (FieldKind.TAGS, frozenset()),
    "assigned": (FieldKind.FLAG, frozenset()),
    "hours_since_creation": (FieldKind.NUMBER, frozenset()),
    "hours_since_update": (FieldKind.NUMBER, frozenset()),
    "hours_in_status": (FieldKind.NUMBER, frozenset()),
}

OPERATORS: dict[FieldKind, frozenset[str]] = {
    FieldKind.CHOICE: frozenset({"eq", "ne", "in", "not_in"}),
    FieldKind.TEXT: frozenset({"eq", "ne", "in", "not_in"}),
    FieldKind.NUMBER: frozenset({"eq", "ne", "gt", "gte", "lt", "lte"}),
    FieldKind.TAGS: frozenset({"contains", "not_contains"}),
    FieldKind.FLAG: frozenset({"eq"}),
}

_SYMBOLS = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": "in",
    "not_in": "not in",
    "contains": "has",
    "not_contains": "lacks",
}

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "contains": lambda a, b: b in a,
    "not_contains": lambda a, b: b not in a,
}

# Fields whose value grows with the clock: only the sweep sees them change.
TIME_FIELDS = frozenset({"hours_since_creation", "hours_since_update", "hours_in_status"})


@dataclass(frozen=True)
class Comparison:
    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


Condition = Comparison | AllOf | AnyOf

MAX_CONDITION_DEPTH = 5


def parse_condition(data: Any, path: str = "condition", depth: int = 0) -> Condition:
    """Read ``{"all": [...]}``, ``{"any": [...]}`` or ``{"field", "op", "value"}``; refuse
    anything else with the path of the first problem."""
    if depth > MAX_CONDITION_DEPTH:
        raise InvalidInputError(f"{path}: conditions nest at most {MAX_CONDITION_DEPTH} deep")
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path}: expected an object", field="condition")
    if set(data) in ({"all"}, {"any"}):
        (kind, items), *_ = data.items()
        if not isinstance(items, list):
            raise InvalidInputError(f"{path}.{kind}: expected a list", field="condition")
        parsed = tuple(
            parse_condition(item, f"{path}.{kind}[{i}]", depth + 1) for i, item in enumerate(items)
        )
        return AllOf(parsed) if kind == "all" else AnyOf(parsed)
    if set(data) != {"field", "op", "value"}:
        raise InvalidInputError(
            f"{path}: expected all, any, or field/op/value, got {sorted(data)}", field="condition"
        )
    return _comparison(data["field"], data["op"], data["value"], path)


def _comparison(name: Any, op: Any, value: Any, path: str) -> Comparison:
    if name not in FIELDS:
        raise InvalidInputError(
            f"{path}: unknown field {name!r}; use {', '.join(FIELDS)}", field="condition"
        )
    kind, choices = FIELDS[name]
    if op not in OPERATORS[kind]:
        raise InvalidInputError(
            f"{path}: {name} takes {', '.join(sorted(OPERATORS[kind]))}, not {op!r}",
            field="condition",
        )
    return Comparison(name, op, _value(name, kind, choices, op, value, path))


def _value(
    name: str, kind: FieldKind, choices: frozenset[str], op: str, value: Any, path: str
) -> Any:
    def fail(expected: str) -> InvalidInputError:
        return InvalidInputError(f"{path}: {name} {op} needs {expected}", field="condition")

    if kind is FieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail("a number")
        if name == "level" and value not in {t.value for t in Tier}:
            raise fail("a level 0-4")
        if value < 0:
            raise fail("a number of at least 0")
        return value
    if kind is FieldKind.FLAG:
        if not isinstance(value, bool):
            raise fail("true or false")
        return value
    if kind is FieldKind.TAGS:
        if not isinstance(value, str) or not normalise_tags([value]):
            raise fail("a tag")
        return normalise_tags([value])[0]

    def one(item: Any) -> str | None:
        if item is None and op in ("eq", "ne"):
            return None  # "queue = null": the ticket has no queue
        if not isinstance(item, str) or not item.strip():
            raise fail("text")
        text = item.strip().upper() if name == "priority" else item.strip().lower()
        if choices and text not in choices:
            raise fail(f"one of {', '.join(sorted(choices))}")
        return text

    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise fail("a non-empty list")
        return tuple(one(item) for item in value)
    return one(value)


def condition_to_data(condition: Condition) -> dict[str, Any]:
    if isinstance(condition, AllOf):
        return {"all": [condition_to_data(c) for c in condition.items]}
    if isinstance(condition, AnyOf):
        return {"any": [condition_to_data(c) for c in condition.items]}
    value = list(condition.value) if isinstance(condition.value, tuple) else condition.value
    return {"field": condition.field, "op": condition.op, "value": value}


def _fact(facts: TicketFacts, name: str) -> Any:
    match name:
        case "level":
            return int(facts.tier)
        case "product":
            return facts.product_key
        case "component":
            return facts.component_name.lower() if facts.component_name else None
        case "tags":
            return facts.tags
        case "assigned":
            return facts.assignee_id is not None
        case _:
            value = getattr(facts, name)
            return value.lower() if isinstance(value, str) and name != "priority" else value


def evaluate(condition: Condition, facts: TicketFacts) -> bool:
    if isinstance(condition, AllOf):
        return all(evaluate(c, facts) for c in condition.items)
    if isinstance(condition, AnyOf):
        return any(evaluate(c, facts) for c in condition.items)
    actual = _fact(facts, condition.field)
    if actual is None and condition.op not in ("eq", "ne", "in", "not_in"):
        return False
    return _COMPARE[condition.op](actual, condition.value)


def explain(condition: Condition, facts: TicketFacts) -> list[tuple[str, bool, Any]]:
    """Each comparison of the condition in words, whether it holds on the ticket and what the
    ticket has there ("test this rule on a ticket")."""
    if isinstance(condition, AllOf | AnyOf):
        return [line for c in condition.items for line in explain(c, facts)]
    actual = _fact(facts, condition.field)
    shown = "/".join(actual) if isinstance(actual, tuple) else actual
    return [(describe_condition(condition), evaluate(condition, facts), shown)]


def describe_condition(condition: Condition) -> str:
    if isinstance(condition, AllOf | AnyOf):
        if not condition.items:
            return "always" if isinstance(condition, AllOf) else "never"
        joiner = " and " if isinstance(condition, AllOf) else " or "
        parts = [
            f"({describe_condition(c)})" if isinstance(c, AllOf | AnyOf) else describe_condition(c)
            for c in condition.items
        ]
        return joiner.join(parts)
    value = condition.value
    shown = "/".join(str(v) for v in value) if isinstance(value, tuple) else value
    shown = "none" if shown is None else str(shown).lower() if isinstance(shown, bool) else shown
    return f"{condition.field} {_SYMBOLS[condition.op]} {shown}"


def fields_of(condition: Condition) -> set[str]:
    """The fields a condition looks at (so that only those facts need gathering)."""
    if isinstance(condition, AllOf | AnyOf):
        return set().union(*(fields_of(c) for c in condition.items))
    return {condition.field}


@dataclass(frozen=True)
class Prefilter:
    """What storage can check before a ticket is loaded: a necessary part of a time rule's
    condition (tickets outside it cannot match)."""

    statuses: tuple[str, ...] = ()
    updated_before: datetime | None = None
    created_before: datetime | None = None


def prefilter(condition: Condition, now: datetime) -> Prefilter:
    """Read the top level of ``all`` (or a single comparison) for status and age limits."""
    items = condition.items if isinstance(condition, AllOf) else (condition,)
    statuses: tuple[str, ...] = ()
    updated_before = created_before = None
    for item in items:
        if not isinstance(item, Comparison):
            continue
        if item.field == "status" and item.op in ("eq", "in"):
            statuses = (item.value,) if item.op == "eq" else tuple(item.value)
        elif item.op in ("gt", "gte") and item.field in TIME_FIELDS:
            limit = now - timedelta(hours=float(item.value))
            if item.field == "hours_since_update":
                updated_before = limit
            else:  # time in the current status is never longer than the ticket's age
                created_before = min(created_before or limit, limit)
    return Prefilter(statuses, updated_before, created_before)


# -- the rule -------------------------------------------------------------------------------

_EVENT_NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


def normalise_events(events: list[str]) -> list[str]:
    cleaned = []
    for event in events:
        name = event.strip().lower()
        if not _EVENT_NAME.fullmatch(name):
            raise InvalidInputError(
                f"{event!r} is not an event name like ticket.opened", field="events"
            )
        if name.startswith("rule."):
            raise InvalidInputError("rules cannot be triggered by rules", field="events")
        if name not in cleaned:
            cleaned.append(name)
    return cleaned


@dataclass(eq=False)
class AutomationRule:
    """When ``condition`` holds — checked on the ticket events named in ``events`` (any ticket
    event when empty) or, for time rules, by the sweep — take ``actions`` in order."""

    name: str
    trigger: Trigger
    condition: Condition
    actions: list[Action]
    created_at: datetime
    updated_at: datetime
    events: list[str] = field(default_factory=list)
    description: str = ""
    enabled: bool = True
    position: int = 0
    id: int | None = None

    def listens_to(self, action: str) -> bool:
        return (
            self.enabled
            and self.trigger is Trigger.EVENT
            and (not self.events or action in self.events)
        )

    @property
    def actor(self) -> SystemActor:
        """Who the rule's changes are recorded as; also what keeps them from triggering rules."""
        return SystemActor(name=f"{RULE_ACTOR_PREFIX}{self.name}", id=self.id)

    def describe(self) -> str:
        actions = ", ".join(a.describe() for a in self.actions)
        return f"when {describe_condition(self.condition)}: {actions}"


def is_rule_made(actor_kind: str, actor_name: str) -> bool:
    """An event recorded by a rule's actor; such events never trigger rules."""
    return actor_kind == ActorKind.SYSTEM.value and actor_name.startswith(RULE_ACTOR_PREFIX)


def normalise_rule_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 120:
        raise InvalidInputError("a rule needs a name of 1-120 characters", field="name")
    return cleaned
