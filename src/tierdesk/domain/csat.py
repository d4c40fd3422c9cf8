"""Customer satisfaction: a contact's rating of a solved ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.errors import InvalidInputError


@dataclass(frozen=True)
class CsatRating:
    ticket_id: int
    contact_id: int
    score: int
    comment: str
    created_at: datetime
    id: int | None = None


CSAT_SCORES = range(1, 6)


def check_score(score: int) -> int:
    if score not in CSAT_SCORES:
        raise InvalidInputError("a rating is 1 (very unhappy) to 5 (very happy)", field="score")
    return score
