"""Storage of knowledge misses and of the portal suggestions customers were shown."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tierdesk.domain.knowledge_gaps import KnowledgeMiss, SuggestionRead


class KnowledgeGapRepository(Protocol):
    def add_miss(self, miss: KnowledgeMiss) -> KnowledgeMiss: ...
    def draft_miss(self, contact_id: int, since: datetime) -> KnowledgeMiss | None:
        """The contact's newest portal-search miss since then, not yet tied to a ticket."""
        ...

    def update_miss(self, miss_id: int, text: str, at: datetime) -> None: ...
    def withdraw_drafts(self, contact_id: int, since: datetime) -> None:
        """Forget the contact's portal misses since then not tied to a ticket: their draft
        found an answer after all."""
        ...

    def ticket_missed(self, ticket_id: int) -> bool:
        """A new-ticket miss of this ticket is stored already."""
        ...

    def tie_to_ticket(self, contact_id: int, since: datetime, ticket_id: int) -> int:
        """The contact's portal misses and suggestion reads since then, not yet tied to a
        ticket, led to ``ticket_id``; how many misses were tied."""
        ...

    def misses_since(self, since: datetime, limit: int) -> list[KnowledgeMiss]:
        """The newest ``limit`` misses last seen since then, newest first."""
        ...

    def add_read(self, read: SuggestionRead, since: datetime) -> bool:
        """Store the read unless the contact was shown the same suggestion since then."""
        ...

    def reads_followed_by_tickets(self, since: datetime, limit: int) -> list[SuggestionRead]: ...
    def prune(self, before: datetime) -> int:
        """Forget misses last seen, and reads shown, before then; how many rows went."""
        ...
