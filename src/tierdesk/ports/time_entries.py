"""What the time-spent services need from storage."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from tierdesk.domain.time_spent import TimeEntry, TimeRow


class TimeEntryRepository(Protocol):
    def add(self, entry: TimeEntry) -> None: ...
    def get(self, entry_id: int) -> TimeEntry | None: ...
    def delete(self, entry: TimeEntry) -> None: ...
    def find(
        self,
        *,
        ticket_id: int | None = None,
        agent_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> list[TimeEntry]:
        """Newest day first (then newest entry), at most ``limit``."""
        ...

    def report_rows(
        self, since: date, until: date, organisation_id: int | None = None
    ) -> list[TimeRow]:
        """Every entry of the days ``since``…``until`` (both included), with its ticket's
        organisation and that organisation's plan."""
        ...
