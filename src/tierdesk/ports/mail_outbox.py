"""Storage of the mail outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tierdesk.domain.outbound import OutboxItem, OutboxStatus, OutgoingKind


class MailOutboxRepository(Protocol):
    """Mail the desk means to send, leased to one sender at a time."""

    def add(
        self,
        ticket_id: int | None,
        kind: OutgoingKind,
        to_address: str,
        language: str,
        at: datetime,
        message_id: int | None = None,
        *,
        subject: str | None = None,
        body: str | None = None,
    ) -> int:
        """``ticket_id`` None with ``subject`` and ``body``: a notice about no ticket."""
        ...

    def exists(self, ticket_id: int, kind: OutgoingKind, message_id: int | None) -> bool: ...
    def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxItem]: ...
    def set_header(self, outbox_id: int, message_id_header: str) -> None: ...
    def finish(
        self,
        outbox_id: int,
        status: OutboxStatus,
        *,
        sent_at: datetime | None = None,
        next_attempt_at: datetime | None = None,
        error: str | None = None,
    ) -> None: ...
    def find(
        self, statuses: Sequence[OutboxStatus], ticket_id: int | None = None, limit: int = 100
    ) -> list[OutboxItem]: ...
