"""What the linked-record services need from storage: the links between tickets and known
issues, defects, incidents and enhancement requests (one table for every kind)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tierdesk.domain.record_links import RecordKind, RecordLink


class RecordLinkRepository(Protocol):
    def add(self, link: RecordLink) -> None: ...
    def of_record(self, kind: RecordKind, record_id: int) -> list[RecordLink]:
        """The record's links, in link order."""
        ...

    def counts(self, kind: RecordKind, record_ids: Sequence[int]) -> dict[int, int]:
        """How many tickets each record is linked to (records without links are left out)."""
        ...

    def of_ticket(self, ticket_id: int) -> list[RecordLink]: ...
