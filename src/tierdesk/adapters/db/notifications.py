"""The in-desk notifications that SLA warnings and breaches leave for agents, in storage: the
table, its mapping and the repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import json_dict, metadata
from tierdesk.adapters.db.types import UtcDateTime, storable_id
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


def map_notifications(reg: registry) -> None:
    reg.map_imperatively(Notification, notifications)


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


class SqlNotificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, notification: Notification) -> None:
        self.session.add(notification)

    def for_agent(self, agent_id: int, *, unread_only: bool, limit: int) -> list[Notification]:
        query = select(Notification).where(_note.agent_id == agent_id)
        if unread_only:
            query = query.where(_note.read_at.is_(None))
        return list(self.session.scalars(query.order_by(_note.id.desc()).limit(limit)))

    def mark_read(self, agent_id: int, ids: Sequence[int] | None, at: datetime) -> int:
        # One UPDATE over the agent's unread notifications (set-based: the ORM statement keeps
        # any notification this session holds in step).
        query = update(Notification).where(_note.agent_id == agent_id, _note.read_at.is_(None))
        if ids is not None:
            # Ids outside INTEGER name no row, and binding them fails on PostgreSQL.
            query = query.where(_note.id.in_([i for i in ids if storable_id(i)]))
        return _rowcount(self.session.execute(query.values(read_at=at)))

    def unread_count(self, agent_id: int) -> int:
        query = select(func.count()).where(_note.agent_id == agent_id, _note.read_at.is_(None))
        return int(self.session.scalar(query) or 0)
