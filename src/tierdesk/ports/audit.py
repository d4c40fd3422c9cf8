"""Storage of the audit trail."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.audit_query import AuditQuery


class AuditLog(Protocol):
    def add(self, event: AuditEvent) -> None: ...
    def for_ticket(self, ticket_id: int, *, public_only: bool) -> list[AuditEvent]: ...
    def of_ticket(self, ticket_id: int, event_id: int) -> AuditEvent | None:
        """One event of the ticket's trail (None: no such event, or another ticket's)."""
        ...

    def search(self, query: AuditQuery) -> list[AuditEvent]:
        """Events matching ``query``, newest first: up to one more than ``query.limit``, so
        the caller knows whether another page follows."""
        ...

    def subject_types(self) -> list[str]: ...
