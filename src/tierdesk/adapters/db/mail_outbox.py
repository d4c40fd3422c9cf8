"""The mail outbox in storage (``services/mail_outbox.py``): every mail the desk means to send,
written in the transaction of the change it tells about, and leased to one sender at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.outbound import OutboxItem, OutboxStatus, OutgoingKind

mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), index=True),  # NULL: a notice (advisory)
    Column("message_id", ForeignKey("messages.id"), index=True),
    Column("kind", EnumText(OutgoingKind), nullable=False),
    Column("to_address", String(320), nullable=False),
    Column("language", String(16), nullable=False),
    Column("status", EnumText(OutboxStatus), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claimed_until", UtcDateTime),
    Column("message_id_header", String(512), unique=True),
    Column("sent_at", UtcDateTime),
    Column("last_error", Text),
    Column("subject", String(300)),  # a notice's, composed when queued
    Column("body", Text),
    Index("ix_mail_outbox_due", "status", "next_attempt_at"),
)

_out = mail_outbox.c


def _outbox(row: Row[Any]) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        ticket_id=row.ticket_id,
        kind=row.kind,
        to_address=row.to_address,
        language=row.language,
        status=row.status,
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        message_id=row.message_id,
        message_id_header=row.message_id_header,
        sent_at=row.sent_at,
        last_error=row.last_error,
        subject=row.subject,
        body=row.body,
    )


class SqlMailOutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

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
        result = self.session.execute(
            mail_outbox.insert()
            .values(
                ticket_id=ticket_id,
                message_id=message_id,
                kind=kind,
                to_address=to_address,
                language=language,
                status=OutboxStatus.PENDING,
                attempts=0,
                created_at=at,
                next_attempt_at=at,
                subject=subject,
                body=body,
            )
            .returning(_out.id)
        )
        return int(result.scalar_one())

    def exists(self, ticket_id: int, kind: OutgoingKind, message_id: int | None) -> bool:
        query = select(_out.id).where(_out.ticket_id == ticket_id, _out.kind == kind)
        if message_id is not None:
            query = query.where(_out.message_id == message_id)
        return self.session.scalars(query.limit(1)).first() is not None

    def claim(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxItem]:
        """Due mail, marked as being sent by this caller until ``lease_until``. On PostgreSQL
        the rows are locked with SKIP LOCKED, so concurrent senders take disjoint rows; on SQLite
        the guarded UPDATE does it (writers are serialised there)."""
        due = or_(
            and_(_out.status == OutboxStatus.PENDING, _out.next_attempt_at <= now),
            and_(_out.status == OutboxStatus.SENDING, _out.claimed_until < now),
        )
        candidates = self.session.scalars(
            select(_out.id)
            .where(due)
            .order_by(_out.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for outbox_id in candidates:
            result = self.session.execute(
                update(mail_outbox)
                .where(_out.id == outbox_id, due)
                .values(
                    status=OutboxStatus.SENDING,
                    claimed_until=lease_until,
                    attempts=_out.attempts + 1,
                )
                .returning(*mail_outbox.c)
            )
            row = result.first()
            if row is not None:
                claimed.append(_outbox(row))
        return claimed

    def set_header(self, outbox_id: int, message_id_header: str) -> None:
        self.session.execute(
            update(mail_outbox)
            .where(_out.id == outbox_id)
            .values(message_id_header=message_id_header)
        )

    def finish(
        self,
        outbox_id: int,
        status: OutboxStatus,
        *,
        sent_at: datetime | None = None,
        next_attempt_at: datetime | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, object] = {"status": status, "claimed_until": None, "last_error": error}
        if sent_at is not None:
            values["sent_at"] = sent_at
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        self.session.execute(update(mail_outbox).where(_out.id == outbox_id).values(**values))

    def find(
        self, statuses: Sequence[OutboxStatus], ticket_id: int | None = None, limit: int = 100
    ) -> list[OutboxItem]:
        query = select(mail_outbox).where(_out.status.in_([str(s) for s in statuses]))
        if ticket_id is not None:
            query = query.where(_out.ticket_id == ticket_id)
        rows = self.session.execute(query.order_by(_out.id).limit(limit))
        return [_outbox(row) for row in rows]
