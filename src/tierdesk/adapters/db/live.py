"""What the live updates read (the audit trail and the notifications after a mark) and the
``ticket_presence`` table: who is viewing or typing on a ticket, one row per agent and ticket,
refreshed by the page's heartbeat (migration 0028)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from tierdesk.adapters.db.notifications import notifications
from tierdesk.adapters.db.tables import agents, audit_events, metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.live import NewNotification, Presence, PresenceState, TicketChange

ticket_presence = Table(
    "ticket_presence",
    metadata,
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("agent_id", ForeignKey("agents.id"), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("seen_at", UtcDateTime, nullable=False, index=True),
    PrimaryKeyConstraint("ticket_id", "agent_id", name="pk_ticket_presence"),
)

_event = audit_events.c
_note = notifications.c
_here = ticket_presence.c


class SqlLiveFeed:
    def __init__(self, session: Session) -> None:
        self.session = session

    def last_event_id(self) -> int:
        return int(self.session.scalar(select(func.max(_event.id))) or 0)

    def last_notification_id(self) -> int:
        return int(self.session.scalar(select(func.max(_note.id))) or 0)

    def last_ticket_event_id(self, ticket_id: int) -> int:
        query = select(func.max(_event.id)).where(_event.ticket_id == ticket_id)
        return int(self.session.scalar(query) or 0)

    def changes_after(self, event_id: int, limit: int) -> list[TicketChange]:
        query = (
            select(
                _event.id,
                _event.ticket_id,
                _event.action,
                _event.actor_kind,
                _event.actor_id,
                _event.actor_name,
            )
            .where(_event.id > event_id, _event.ticket_id.is_not(None))
            .order_by(_event.id)
            .limit(limit)
        )
        return [TicketChange(*row) for row in self.session.execute(query)]

    def notifications_after(self, notification_id: int, limit: int) -> list[NewNotification]:
        query = (
            select(_note.id, _note.agent_id, _note.kind)
            .where(_note.id > notification_id)
            .order_by(_note.id)
            .limit(limit)
        )
        return [NewNotification(*row) for row in self.session.execute(query)]


class SqlPresenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def touch(self, ticket_id: int, agent_id: int, state: PresenceState, at: datetime) -> None:
        # One statement that inserts or refreshes: two processes' heartbeats for the same agent
        # (two tabs) cannot trip over the primary key.
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {"ticket_id": ticket_id, "agent_id": agent_id, "state": str(state), "seen_at": at}
        statement = insert(ticket_presence).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[_here.ticket_id, _here.agent_id],
                set_={"state": str(state), "seen_at": at},
            )
        )

    def leave(self, ticket_id: int, agent_id: int) -> None:
        self.session.execute(
            delete(ticket_presence).where(_here.ticket_id == ticket_id, _here.agent_id == agent_id)
        )

    def on_ticket(self, ticket_id: int, since: datetime) -> list[Presence]:
        query = (
            select(_here.ticket_id, _here.agent_id, _here.state, _here.seen_at, agents.c.name)
            .join(agents, agents.c.id == _here.agent_id)
            .where(_here.ticket_id == ticket_id, _here.seen_at >= since)
            .order_by(agents.c.name)
        )
        return [
            Presence(row[0], row[1], PresenceState.parse(row[2]), row[3], row[4])
            for row in self.session.execute(query)
        ]

    def forget_before(self, at: datetime) -> int:
        result = self.session.execute(delete(ticket_presence).where(_here.seen_at < at))
        assert isinstance(result, CursorResult)
        return int(result.rowcount)

    def forget_agent(self, agent_id: int) -> int:
        result = self.session.execute(delete(ticket_presence).where(_here.agent_id == agent_id))
        assert isinstance(result, CursorResult)
        return int(result.rowcount)
