"""Storage of customer satisfaction ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tierdesk.domain.csat import CsatRating


class CsatRepository(Protocol):
    def add(self, rating: CsatRating) -> CsatRating: ...
    def for_ticket(self, ticket_id: int) -> CsatRating | None: ...
    def for_tickets(self, ticket_ids: Sequence[int]) -> dict[int, CsatRating]: ...
    def since(self, since: datetime) -> list[CsatRating]: ...
