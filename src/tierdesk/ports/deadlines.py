"""Storage of the tickets' SLA clocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tierdesk.domain.sla import Deadline


class DeadlineRepository(Protocol):
    """Every SLA clock of every ticket."""

    def add(self, deadline: Deadline) -> None: ...
    def add_all(self, deadlines: Sequence[Deadline]) -> None:
        """Several new clocks in one statement (an opening starts four)."""
        ...

    def save(self, deadline: Deadline) -> None:
        """Store a clock's changes, except ``warned_at``/``breached_at``: only the
        ``mark_*`` calls set those, so a stale copy can never undo a firing."""
        ...

    def get(self, deadline_id: int) -> Deadline | None: ...
    def for_ticket(self, ticket_id: int) -> list[Deadline]: ...
    def running_for_tickets(self, ticket_ids: Sequence[int]) -> dict[int, list[Deadline]]:
        """The running clocks of many tickets in one query (the workspace's queue)."""
        ...

    def running_on_calendar(self, calendar_id: int) -> list[Deadline]: ...
    def to_warn(self, now: datetime, limit: int, since: datetime | None = None) -> list[Deadline]:
        """Running clocks whose warning time has come and that still need it: due after
        ``since`` (default ``now``), so a sweep that looks back to the last one also warns of
        clocks that ran out in between (before their breach fires)."""
        ...

    def to_breach(self, now: datetime, limit: int) -> list[Deadline]: ...
    def mark_warned(self, deadline_id: int, at: datetime) -> bool:
        """Set ``warned_at`` if the clock still needs its warning; False when another sweep
        did it first or the clock ended meanwhile."""
        ...

    def mark_breached(self, deadline_id: int, at: datetime) -> bool: ...
