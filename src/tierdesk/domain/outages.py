"""Outage detection: a burst of similar new tickets from several organisations in a short
window is probably one incident. Pure: the service hands in recent tickets as text."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

_TOKEN = re.compile(r"[^\W_]{2,}|\d{3,}", re.UNICODE)
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "our",
        "not",
        "are",
        "was",
        "has",
        "have",
        "this",
        "that",
        "from",
        "you",
        "your",
        "please",
        "since",
        "when",
        "der",
        "die",
        "das",
        "und",
        "mit",
        "nicht",
        "ist",
        "ein",
        "eine",
        "von",
        "bei",
        "il",
        "la",
        "le",
        "di",
        "che",
        "non",
        "per",
        "con",
        "del",
        "une",
        "des",
        "est",
        "pas",
        "les",
        "el",
        "los",
        "las",
        "que",
        "por",
        "una",
        "hello",
        "dear",
        "regards",
        "thanks",
        "hallo",
        "grazie",
        "merci",
        "gracias",
    ]
)


class ProposalStatus(StrEnum):
    OPEN = "open"
    DECLARED = "declared"  # an incident was declared from it
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class RecentTicket:
    ticket_id: int
    organisation_id: int
    created_at: datetime
    text: str  # subject and first customer message
    codes: frozenset[str] = frozenset()  # error codes and statuses read from it


@dataclass(eq=False)
class OutageProposal:
    title: str
    ticket_ids: list[int]
    organisation_count: int
    window_start: datetime
    window_end: datetime
    created_at: datetime
    shared_terms: list[str] = field(default_factory=list)
    status: ProposalStatus = ProposalStatus.OPEN
    incident_id: int | None = None
    decided_by: str | None = None
    id: int | None = None


def _vector(text: str) -> Counter[str]:
    return Counter(t for t in (m.lower() for m in _TOKEN.findall(text)) if t not in _STOP)


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    common = set(a) & set(b)
    dot = sum(a[t] * b[t] for t in common)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def find_burst(
    new: RecentTicket,
    recent: Sequence[RecentTicket],
    *,
    min_tickets: int = 3,
    min_organisations: int = 2,
    similarity: float = 0.35,
) -> list[RecentTicket] | None:
    """The tickets (``new`` included) that look like one outage, or None when they do not
    reach ``min_tickets`` from at least ``min_organisations`` organisations."""
    words = _vector(new.text)  # once, not once per ticket of the window

    def alike(other: RecentTicket) -> bool:
        """Alike in words, or sharing an error code (the strongest sign of one cause)."""
        return bool(new.codes & other.codes) or _cosine(words, _vector(other.text)) >= similarity

    group = [new, *(t for t in recent if t.ticket_id != new.ticket_id and alike(t))]
    organisations = {t.organisation_id for t in group}
    if len(group) < min_tickets or len(organisations) < min_organisations:
        return None
    return sorted(group, key=lambda t: t.created_at)


def propose(group: Sequence[RecentTicket], now: datetime) -> OutageProposal:
    vectors = [_vector(t.text) for t in group]
    shared = Counter[str]()
    for vector in vectors:
        shared.update(set(vector))
    common = [term for term, count in shared.most_common(8) if count >= max(2, len(group) // 2)]
    codes = sorted(set.intersection(*(set(t.codes) for t in group))) if group else []
    title_terms = codes[:2] + [t for t in common if t not in codes][:4]
    return OutageProposal(
        title="Possible outage: " + (" ".join(title_terms) or "similar tickets"),
        ticket_ids=sorted(t.ticket_id for t in group),
        organisation_count=len({t.organisation_id for t in group}),
        window_start=group[0].created_at,
        window_end=group[-1].created_at,
        created_at=now,
        shared_terms=title_terms,
    )
