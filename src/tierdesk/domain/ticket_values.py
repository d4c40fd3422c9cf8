"""The values a ticket's fields take, and which status may follow which."""

from __future__ import annotations

from enum import StrEnum


class TicketType(StrEnum):
    QUESTION = "question"
    PROBLEM = "problem"
    DEFECT = "defect"
    ENHANCEMENT = "enhancement"
    OUTAGE = "outage"
    LICENSING = "licensing"


class Priority(StrEnum):
    P1 = "P1"  # service down for many users
    P2 = "P2"  # serious degradation, no workaround
    P3 = "P3"  # normal
    P4 = "P4"  # question or cosmetic


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_CUSTOMER = "pending-customer"
    PENDING_INTERNAL = "pending-internal"
    ON_HOLD = "on-hold"
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def is_active(self) -> bool:
        return self not in (Status.SOLVED, Status.CLOSED)


_WORKING = {Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL, Status.ON_HOLD}

# Which status may follow which. Solving, closing and reopening have their own methods because
# they carry more than a status (a resolution, a timestamp), but they obey this table too.
ALLOWED_STATUS_CHANGES: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset(_WORKING | {Status.SOLVED, Status.CLOSED}),
    Status.OPEN: frozenset((_WORKING - {Status.OPEN}) | {Status.SOLVED}),
    Status.PENDING_CUSTOMER: frozenset((_WORKING - {Status.PENDING_CUSTOMER}) | {Status.SOLVED}),
    Status.PENDING_INTERNAL: frozenset((_WORKING - {Status.PENDING_INTERNAL}) | {Status.SOLVED}),
    Status.ON_HOLD: frozenset((_WORKING - {Status.ON_HOLD}) | {Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class LinkKind(StrEnum):
    DUPLICATE_OF = "duplicate-of"
    RELATED = "related"
    MERGED_INTO = "merged-into"
