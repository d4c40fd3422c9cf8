"""Storage of business calendars."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.calendars import BusinessCalendar


class CalendarRepository(Protocol):
    def all(self) -> list[BusinessCalendar]: ...
    def get(self, calendar_id: int) -> BusinessCalendar | None: ...
    def named(self, name: str) -> BusinessCalendar | None: ...
    def add(self, calendar: BusinessCalendar) -> BusinessCalendar:
        """Store a new calendar; returns it with its id."""
        ...

    def update(self, calendar: BusinessCalendar) -> None: ...
