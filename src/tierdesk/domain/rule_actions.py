"""What an automation rule does when it fires: its actions, as data an admin writes.

Each action is read and checked here (the values it names exist as values: a priority, a status,
a level); the services check what must exist in storage (queues, agents) and apply them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tierdesk.domain.people import Tier
from tierdesk.domain.routing import normalise_queue_key
from tierdesk.domain.tickets import Priority, Status, normalise_tags
from tierdesk.errors import InvalidInputError

_PRIORITIES = frozenset(p.value for p in Priority)
_STATUSES = frozenset(s.value for s in Status)


class ActionType(StrEnum):
    SET_PRIORITY = "set_priority"
    ADD_TAG = "add_tag"
    SET_QUEUE = "set_queue"
    ASSIGN = "assign"  # value: an agent id, or "auto" to pick a member of the ticket's queue
    SET_STATUS = "set_status"  # text: the resolution, when the status is solved
    ADD_NOTE = "add_note"  # text: the internal note
    ESCALATE = "escalate"  # value: the level; text: the reason
    NOTIFY = "notify"  # value: assignee, requester, queue, followers or an e-mail; text: message


NOTIFY_TARGETS = frozenset({"assignee", "requester", "queue", "followers"})


@dataclass(frozen=True)
class Action:
    type: ActionType
    value: str | int | None = None
    text: str | None = None

    def describe(self) -> str:
        label = self.type.value.replace("_", " ")
        match self.type:
            case ActionType.ADD_NOTE:
                return label
            case ActionType.ESCALATE:
                return f"escalate to {Tier(int(self.value or 0)).label}"
            case ActionType.ASSIGN if self.value == "auto":
                return "assign within the queue"
            case ActionType.ASSIGN:
                return f"assign to agent {self.value}"
            case _:
                return f"{label} {self.value}"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type.value}
        if self.value is not None:
            data["value"] = self.value
        if self.text is not None:
            data["text"] = self.text
        return data


def parse_actions(data: Any) -> list[Action]:
    if not isinstance(data, list) or not data:
        raise InvalidInputError("a rule needs a non-empty list of actions", field="actions")
    if len(data) > 20:
        raise InvalidInputError("a rule takes at most 20 actions", field="actions")
    return [_action(item, f"actions[{i}]") for i, item in enumerate(data)]


def _action(data: Any, path: str) -> Action:
    if not isinstance(data, dict) or "type" not in data:
        raise InvalidInputError(f"{path}: expected an object with a type", field="actions")
    extra = set(data) - {"type", "value", "text"}
    if extra:
        raise InvalidInputError(f"{path}: unknown keys {sorted(extra)}", field="actions")
    try:
        kind = ActionType(data["type"])
    except ValueError:
        known = ", ".join(t.value for t in ActionType)
        raise InvalidInputError(
            f"{path}: unknown action {data['type']!r}; use {known}", field="actions"
        ) from None
    value, text = data.get("value"), data.get("text")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        raise InvalidInputError(f"{path}: text must be non-blank text", field="actions")
    text = text.strip() if isinstance(text, str) else None
    if text is not None and len(text) > 10_000:
        raise InvalidInputError(f"{path}: text is longer than 10000 characters", field="actions")

    def fail(expected: str) -> InvalidInputError:
        return InvalidInputError(f"{path}: {kind.value} needs {expected}", field="actions")

    def word(choices: frozenset[str] | None = None, upper: bool = False) -> str:
        if not isinstance(value, str) or not value.strip():
            raise fail("a value")
        cleaned = value.strip().upper() if upper else value.strip().lower()
        if choices is not None and cleaned not in choices:
            raise fail(f"a value among {', '.join(sorted(choices))}")
        return cleaned

    match kind:
        case ActionType.SET_PRIORITY:
            return Action(kind, word(_PRIORITIES, upper=True))
        case ActionType.ADD_TAG:
            tags = normalise_tags([value]) if isinstance(value, str) else []
            if not tags:
                raise fail("a tag")
            return Action(kind, tags[0])
        case ActionType.SET_QUEUE:
            return Action(kind, normalise_queue_key(word()))
        case ActionType.ASSIGN:
            if value == "auto":
                return Action(kind, "auto")
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise fail('"auto" or an agent id')
            return Action(kind, value)
        case ActionType.SET_STATUS:
            status = word(_STATUSES - {Status.NEW.value})
            if status == Status.SOLVED.value and text is None:
                raise fail("a text (the resolution) to solve a ticket")
            return Action(kind, status, text)
        case ActionType.ADD_NOTE:
            if text is None:
                raise fail("a text (the note)")
            return Action(kind, None, text)
        case ActionType.ESCALATE:
            if isinstance(value, bool) or value not in (1, 2, 3, 4):
                raise fail("a level 1-4")
            return Action(kind, value, text)
        case ActionType.NOTIFY:
            target = word()
            if target not in NOTIFY_TARGETS and "@" not in target:
                raise fail(f"a recipient among {', '.join(sorted(NOTIFY_TARGETS))} or an e-mail")
            if text is None:
                raise fail("a text (the message)")
            return Action(kind, target, text)
