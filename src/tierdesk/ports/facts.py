"""Storage of the facts read from tickets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tierdesk.domain.facts import Fact


class FactRepository(Protocol):
    def add(self, facts: Sequence[Fact]) -> None: ...
    def for_ticket(self, ticket_id: int, *, include_internal: bool) -> list[Fact]: ...
    def enriched_message_ids(self, ticket_id: int) -> set[int]: ...
    def mark_enriched(self, ticket_id: int, message_id: int) -> None: ...
