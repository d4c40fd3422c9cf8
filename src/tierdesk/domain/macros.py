"""Reply macros: the desk's canned texts for a public reply or an internal note, and the field
changes that go with them (set the status, the priority or the type, add or remove tags, take
the ticket), applied with the reply through the same use case as any other ticket change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tierdesk.domain.ticket_values import Priority, Status, TicketType
from tierdesk.domain.tickets import normalise_tags
from tierdesk.errors import InvalidInputError


class MacroKind(StrEnum):
    PUBLIC = "public"  # inserted into a public reply
    INTERNAL = "internal"  # inserted into an internal note


@dataclass(frozen=True)
class MacroActions:
    """What a macro changes on the ticket besides its text; empty: nothing."""

    status: Status | None = None
    priority: Priority | None = None
    type: TicketType | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    assign_to_me: bool = False

    def __bool__(self) -> bool:
        return self != MacroActions()

    def tags_after(self, tags: Sequence[str]) -> list[str]:
        kept = [t for t in tags if t not in self.remove_tags]
        return kept + [t for t in self.add_tags if t not in kept]

    def describe(self) -> list[str]:
        """In words, for the pages: "status → pending-customer", "+tag waiting"…"""
        said = [
            f"{name} → {value}"
            for name, value in (
                ("status", self.status),
                ("priority", self.priority),
                ("type", self.type),
            )
            if value is not None
        ]
        said += [f"+{t}" for t in self.add_tags] + [f"−{t}" for t in self.remove_tags]
        return [*said, "assign to me"] if self.assign_to_me else said

    def stored(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "priority": self.priority,
            "type": self.type,
            "add_tags": list(self.add_tags),
            "remove_tags": list(self.remove_tags),
            "assign_to_me": self.assign_to_me,
        }


def macro_actions(values: Mapping[str, Any] | None) -> MacroActions:
    """Actions from their stored or typed form; a value that is none of the choices is refused
    with the field it came in."""

    def choice(kind: type[StrEnum], name: str) -> Any:
        value = (values or {}).get(name)
        if value in (None, ""):
            return None
        try:
            return kind(str(value))
        except ValueError as exc:
            raise InvalidInputError(f"{value!r} is not a {name}", field=name) from exc

    def tags(name: str) -> tuple[str, ...]:
        raw = (values or {}).get(name) or []
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        cleaned = [str(t).strip().lower().replace(" ", "-") for t in items]
        return tuple(dict.fromkeys(t for t in cleaned if t))

    status = choice(Status, "status")
    if status is Status.SOLVED:  # solving records a resolution: the solve dialog's
        raise InvalidInputError("a macro cannot solve a ticket; use Solve", field="status")
    return MacroActions(
        status=status,
        priority=choice(Priority, "priority"),
        type=choice(TicketType, "type"),
        add_tags=tags("add_tags"),
        remove_tags=tags("remove_tags"),
        assign_to_me=bool((values or {}).get("assign_to_me")),
    )


def check_macro_tags(actions: MacroActions) -> None:
    """A new or changed macro's tags, by the tickets' own rule (``normalise_tags``): one a
    ticket cannot carry made the macro fail only when an agent used it, after its reply had
    gone out. (Stored macros are read as they are.)"""
    for name, tags in (("add_tags", actions.add_tags), ("remove_tags", actions.remove_tags)):
        try:
            normalise_tags(list(tags))
        except InvalidInputError as exc:
            raise InvalidInputError(exc.message, field=name) from exc


@dataclass(frozen=True)
class Macro:
    name: str
    kind: MacroKind
    body: str
    created_at: datetime
    id: int | None = None
    actions: MacroActions = field(default_factory=MacroActions)
