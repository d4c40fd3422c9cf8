"""The values a ticket's fields take, and which status may follow which."""

from __future__ import annotations

import re
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


# A query of at most this many words may name a ticket by its bare number ("1454").
SHORT_QUERY_WORDS = 4


def ticket_numbers_in(query: str, prefix: str) -> list[str]:
    """The ticket numbers a search names, in order: ``TD-1454`` (any case) anywhere, and in a
    query of a few words a bare number of four or more digits (``1454``, ``#1454``: numbers
    start at 1001), which is how people type a number they read on a call or in a mail.
    Digits inside versions, addresses and other names (``6.0.1454``, ``10.14.54.1``,
    ``KB-1454``) are not ticket numbers."""
    before, after = r"(?<![\w.\-/:@])", r"(?![\w\-/:@]|\.\w)"  # a full stop may end it
    named = re.compile(rf"{before}{re.escape(prefix)}-(\d{{1,9}}){after}", re.IGNORECASE)
    found = [int(n) for n in named.findall(query)]
    if len(query.split()) <= SHORT_QUERY_WORDS:
        bare = re.compile(rf"{before}#?(\d{{4,9}}){after}")
        found += [int(n) for n in bare.findall(query)]
    return list(dict.fromkeys(f"{prefix.upper()}-{n}" for n in found))
