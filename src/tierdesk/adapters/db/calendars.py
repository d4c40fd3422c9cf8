"""Business calendars in storage (``domain/calendars.py``): plain Core statements turned into
the frozen ``BusinessCalendar`` here, the opening hours kept as readable JSON.

The SLA handlers look a calendar up on nearly every ticket event, often several times in one
commit: the lookup is remembered for one database transaction (``memo.TransactionMemo``), so an
edit committed by one request applies to the next, and a write through this repository forgets
what was read."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Column, Integer, Row, String, Table, Text, bindparam, insert, select, update
from sqlalchemy.orm import Session

from tierdesk.adapters.db.memo import TransactionMemo
from tierdesk.adapters.db.tables import json_dict, json_list, metadata
from tierdesk.domain.calendars import BusinessCalendar, hours_from_mapping, hours_to_mapping

business_calendars = Table(
    "business_calendars",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False),
    # {"mon": [["09:00", "18:00"]], …}: readable in the database and in backups
    Column("hours", json_dict(), nullable=False),
    Column("holidays", json_list(), nullable=False),  # ISO dates
    Column("description", Text, nullable=False),
)

_cal = business_calendars.c


def _calendar(row: Row[Any]) -> BusinessCalendar:
    return BusinessCalendar(
        name=row.name,
        timezone=row.timezone,
        weekly=hours_from_mapping(row.hours),
        holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
        description=row.description,
        id=row.id,
    )


def _calendar_values(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "timezone": calendar.timezone,
        "hours": hours_to_mapping(calendar.weekly),
        "holidays": sorted(d.isoformat() for d in calendar.holidays),
        "description": calendar.description,
    }


_CALENDAR_BY_ID = select(business_calendars).where(_cal.id == bindparam("calendar_id"))


class SqlCalendarRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo = TransactionMemo(session)

    def all(self) -> list[BusinessCalendar]:
        rows = self.session.execute(select(business_calendars).order_by(_cal.id))
        return [_calendar(row) for row in rows]

    def get(self, calendar_id: int) -> BusinessCalendar | None:
        # BusinessCalendar is frozen: the remembered value can be shared.
        return self._memo.get(("calendar", calendar_id), lambda: self._read(calendar_id))

    def _read(self, calendar_id: int) -> BusinessCalendar | None:
        row = self.session.execute(_CALENDAR_BY_ID, {"calendar_id": calendar_id}).first()
        return _calendar(row) if row else None

    def named(self, name: str) -> BusinessCalendar | None:
        row = self.session.execute(
            select(business_calendars).where(_cal.name == name.strip())
        ).first()
        return _calendar(row) if row else None

    def add(self, calendar: BusinessCalendar) -> BusinessCalendar:
        self._memo.forget()
        new_id = self.session.execute(
            insert(business_calendars).values(_calendar_values(calendar)).returning(_cal.id)
        ).scalar_one()
        return self.get(int(new_id)) or calendar

    def update(self, calendar: BusinessCalendar) -> None:
        self._memo.forget()
        self.session.execute(
            update(business_calendars)
            .where(_cal.id == calendar.id)
            .values(_calendar_values(calendar))
        )
