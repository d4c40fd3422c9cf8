"""The in-desk notifications that SLA warnings and breaches leave for agents, in storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import json_dict, metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.notifications import Notification

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agent_id", ForeignKey("agents.id"), nullable=False, index=True),
    Column("ticket_id", ForeignKey("tickets.id"), index=True),
    Column("kind", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("details", json_dict(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime),
)

_note = notifications.c


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


class SqlNotificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, notification: Notification) -> None:
        notification.id = int(
            self.session.execute(
                insert(notifications)
                .values(
                    agent_id=notification.agent_id,
                    ticket_id=notification.ticket_id,
                    kind=notification.kind,
                    text=notification.text,
                    details=notification.details,
                    created_at=notification.created_at,
                    read_at=notification.read_at,
                )
                .returning(_note.id)
            ).scalar_one()
        )

    def for_agent(self, agent_id: int, *, unread_only: bool, limit: int) -> list[Notification]:
        query = select(notifications).where(_note.agent_id == agent_id)
        if unread_only:
            query = query.where(_note.read_at.is_(None))
        rows = self.session.execute(query.order_by(_note.id.desc()).limit(limit))
        return [
            Notification(
                agent_id=row.agent_id,
                kind=row.kind,
                text=row.text,
                created_at=row.created_at,
                ticket_id=row.ticket_id,
                details=dict(row.details),
                read_at=row.read_at,
                id=row.id,
            )
            for row in rows
        ]

    def mark_read(self, agent_id: int, ids: Sequence[int] | None, at: datetime) -> int:
        query = update(notifications).where(_note.agent_id == agent_id, _note.read_at.is_(None))
        if ids is not None:
            # Ids outside INTEGER name no row, and binding them fails on PostgreSQL.
            query = query.where(_note.id.in_([i for i in ids if -(2**31) <= i < 2**31]))
        return _rowcount(self.session.execute(query.values(read_at=at)))
