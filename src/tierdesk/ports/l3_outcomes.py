"""What the L3-outcome services need from storage."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.l3_outcomes import OutcomeRecord


class OutcomeRepository(Protocol):
    def add(self, outcome: OutcomeRecord) -> None: ...
    def of_ticket(self, ticket_id: int) -> list[OutcomeRecord]: ...
