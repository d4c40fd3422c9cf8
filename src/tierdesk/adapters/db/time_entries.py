"""Time entries in storage (``services/time_entries.py``): the table, its mapping onto
``TimeEntry``, the repository and the report's read of entries with their ticket's
organisation and plan (time in status is derived from the audit trail and stores nothing)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, Table, Text, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata, organisations, tickets
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.time_spent import TimeEntry, TimeRow

time_entries = Table(
    "time_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("agent_id", ForeignKey("agents.id"), nullable=False, index=True),
    Column("minutes", Integer, nullable=False),
    Column("work_date", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("billable", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_time_entries_work_date", "work_date"),
)

_c = time_entries.c


def map_time_entries(reg: registry) -> None:
    reg.map_imperatively(TimeEntry, time_entries)


class SqlTimeEntryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: TimeEntry) -> None:
        self.session.add(entry)

    def get(self, entry_id: int) -> TimeEntry | None:
        return self.session.get(TimeEntry, entry_id)

    def delete(self, entry: TimeEntry) -> None:
        self.session.delete(entry)

    def find(
        self,
        *,
        ticket_id: int | None = None,
        agent_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> list[TimeEntry]:
        query = select(TimeEntry).order_by(_c.work_date.desc(), _c.id.desc())
        if ticket_id is not None:
            query = query.where(_c.ticket_id == ticket_id)
        if agent_id is not None:
            query = query.where(_c.agent_id == agent_id)
        if since is not None:
            query = query.where(_c.work_date >= since)
        if until is not None:
            query = query.where(_c.work_date <= until)
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def report_rows(
        self, since: date, until: date, organisation_id: int | None = None
    ) -> list[TimeRow]:
        tk, org = tickets.c, organisations.c
        query = (
            select(
                _c.id,
                _c.ticket_id,
                _c.agent_id,
                tk.organisation_id,
                org.plan_id,
                _c.work_date,
                _c.minutes,
                _c.billable,
            )
            .join(tickets, tk.id == _c.ticket_id)
            .join(organisations, org.id == tk.organisation_id)
            .where(_c.work_date >= since, _c.work_date <= until)
            .order_by(_c.work_date, _c.id)
        )
        if organisation_id is not None:
            query = query.where(tk.organisation_id == organisation_id)
        return [TimeRow(*row) for row in self.session.execute(query)]
