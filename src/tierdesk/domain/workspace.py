"""Values of the agent workspace and the customer portal: saved queue views, reply macros,
satisfaction ratings, deflections, the portal's single-use sign-in links and the one-time keys
that make a form's post count once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tierdesk.errors import InvalidInputError


class MacroKind(StrEnum):
    PUBLIC = "public"  # inserted into a public reply
    INTERNAL = "internal"  # inserted into an internal note


@dataclass(frozen=True)
class SavedView:
    """A named set of queue filters, kept as the queue page's query string."""

    agent_id: int
    name: str
    query: str
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class Macro:
    name: str
    kind: MacroKind
    body: str
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class CsatRating:
    ticket_id: int
    contact_id: int
    score: int
    comment: str
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class Deflection:
    """A portal suggestion that answered the customer, so no ticket was opened."""

    contact_id: int
    organisation_id: int
    query: str
    source: str
    title: str
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class MagicLink:
    contact_id: int
    digest: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: int | None = None

    def usable_at(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


@dataclass(frozen=True)
class IdempotencyKey:
    """A one-time key a form carried, stored with the ticket its post made or changed, so that
    the same post sent again (Back and Send, a double click) is answered as the first was."""

    key: str
    who: str  # "contact:12", "agent:3": a key answers only the person who used it
    ticket_id: int
    created_at: datetime
    expires_at: datetime


CSAT_SCORES = range(1, 6)


def check_score(score: int) -> int:
    if score not in CSAT_SCORES:
        raise InvalidInputError("a rating is 1 (very unhappy) to 5 (very happy)", field="score")
    return score


def clean_name(name: str, what: str, longest: int = 80) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError(f"give the {what} a name", field="name")
    if len(cleaned) > longest:
        raise InvalidInputError(f"a {what} name has at most {longest} characters", field="name")
    return cleaned
