"""E-mail intake in storage (``services/mail.py``): every received message with its outcome, so
nothing is ever dropped silently, and the bounces reported back to us."""

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
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.engine import CursorResult, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.inbound import (
    BounceRecord,
    EmailIdentity,
    InboundOutcome,
    InboundRecord,
    InboundResult,
)
from tierdesk.errors import ConflictError

# One row per distinct message received. The unique (message_id, content_hash) key is what makes
# intake exactly-once: a second delivery, a re-fetch after a crash or a second poller all collide
# with it. The raw bytes live in the file store under raw_key.
inbound_emails = Table(
    "inbound_emails",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailbox", String(120), nullable=False),
    Column("message_id", String(512), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("size", Integer, nullable=False),
    Column("raw_key", String(255), nullable=False),
    Column("from_address", String(320), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("outcome", EnumText(InboundOutcome), nullable=False, index=True),
    Column("reason", String(40)),
    Column("detail", Text),
    Column("ticket_id", ForeignKey("tickets.id"), index=True),
    Column("ticket_message_id", ForeignKey("messages.id")),
    Column("quoted_text", Text),
    Column("signature", Text),
    Column("processed_at", UtcDateTime),
    UniqueConstraint("message_id", "content_hash", name="uq_inbound_emails_identity"),
    Index("ix_inbound_emails_sender", "from_address", "received_at"),
)

mail_bounces = Table(
    "mail_bounces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), index=True),
    Column("address", String(320), nullable=False),
    Column("action", String(40), nullable=False),
    Column("status", String(40), nullable=False),
    Column("diagnostic", Text, nullable=False),
    Column("original_message_id", String(512)),
    Column("ticket_id", ForeignKey("tickets.id")),
    Column("inbound_id", ForeignKey("inbound_emails.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

_in = inbound_emails.c


def _inbound(row: Row[Any]) -> InboundRecord:
    return InboundRecord(
        id=row.id,
        mailbox=row.mailbox,
        message_id=row.message_id,
        content_hash=row.content_hash,
        received_at=row.received_at,
        size=row.size,
        raw_key=row.raw_key,
        outcome=row.outcome,
        from_address=row.from_address,
        subject=row.subject,
        reason=row.reason,
        detail=row.detail,
        ticket_id=row.ticket_id,
        ticket_message_id=row.ticket_message_id,
        quoted_text=row.quoted_text,
        signature=row.signature,
        processed_at=row.processed_at,
    )


class SqlMailRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find_inbound(self, identity: EmailIdentity) -> InboundRecord | None:
        row = self.session.execute(
            select(inbound_emails).where(
                _in.message_id == identity.message_id, _in.content_hash == identity.content_hash
            )
        ).first()
        return _inbound(row) if row else None

    def add_inbound(
        self,
        mailbox: str,
        identity: EmailIdentity,
        size: int,
        raw_key: str,
        at: datetime,
        outcome: InboundOutcome = InboundOutcome.RECEIVING,
    ) -> int:
        """Claims the message's identity at once, so that a second copy being stored at the same
        moment waits for this transaction and then collides (ConflictError)."""
        statement = (
            inbound_emails.insert()
            .values(
                mailbox=mailbox[:120],
                message_id=identity.message_id,
                content_hash=identity.content_hash,
                received_at=at,
                size=size,
                raw_key=raw_key,
                from_address="",
                subject="",
                outcome=outcome,
            )
            .returning(_in.id)
        )
        try:
            return int(self.session.execute(statement).scalar_one())
        except IntegrityError as exc:
            # The transaction is spoiled on PostgreSQL; the caller abandons it.
            raise ConflictError("this message was stored already", field="message_id") from exc

    def next_received(self) -> int | None:
        query = select(func.min(_in.id)).where(_in.outcome == InboundOutcome.RECEIVED)
        found = self.session.scalar(query)
        return None if found is None else int(found)

    def received_backlog(self) -> tuple[int, datetime | None]:
        query = select(func.count(), func.min(_in.received_at)).where(
            _in.outcome == InboundOutcome.RECEIVED
        )
        waiting, oldest = self.session.execute(query).one()
        return int(waiting), oldest

    def claim_received(self, record_id: int) -> bool:
        # A conditional update, so that of two processes taking the same message one waits for
        # the other's transaction (PostgreSQL's row lock, SQLite's one writer) and then finds
        # it processed. No SKIP LOCKED: waiting here is what keeps processing single-flight and
        # oldest first across listener processes (services/mail_intake.py).
        claimed = self.session.execute(
            inbound_emails.update()
            .where(_in.id == record_id, _in.outcome == InboundOutcome.RECEIVED)
            .values(outcome=InboundOutcome.RECEIVING)
        )
        assert isinstance(claimed, CursorResult)
        return bool(claimed.rowcount)

    def finish_inbound(self, record_id: int, result: InboundResult, at: datetime) -> None:
        self.session.execute(
            inbound_emails.update()
            .where(_in.id == record_id)
            .values(
                outcome=result.outcome,
                reason=result.reason,
                detail=result.detail,
                from_address=result.from_address[:320],
                subject=result.subject[:500],
                ticket_id=result.ticket_id,
                ticket_message_id=result.ticket_message_id,
                quoted_text=result.quoted_text or None,
                signature=result.signature or None,
                processed_at=at,
            )
        )

    def get_inbound(self, record_id: int) -> InboundRecord | None:
        if not -(2**31) <= record_id < 2**31:
            return None
        row = self.session.execute(select(inbound_emails).where(_in.id == record_id)).first()
        return _inbound(row) if row else None

    def list_inbound(
        self, outcomes: Sequence[InboundOutcome], limit: int, before_id: int | None
    ) -> list[InboundRecord]:
        query = select(inbound_emails).where(_in.outcome.in_([str(o) for o in outcomes]))
        if before_id is not None:
            query = query.where(_in.id < before_id)
        rows = self.session.execute(query.order_by(_in.id.desc()).limit(limit))
        return [_inbound(row) for row in rows]

    def count_from_sender(self, address: str, since: datetime, excluding_id: int) -> int:
        query = (
            select(func.count())
            .select_from(inbound_emails)
            .where(_in.from_address == address, _in.received_at >= since, _in.id != excluding_id)
        )
        return int(self.session.scalar(query) or 0)

    def add_bounce(self, bounce: BounceRecord) -> None:
        self.session.execute(
            mail_bounces.insert().values(
                contact_id=bounce.contact_id,
                address=bounce.address[:320],
                action=bounce.action[:40],
                status=bounce.status[:40],
                diagnostic=bounce.diagnostic,
                original_message_id=bounce.original_message_id,
                ticket_id=bounce.ticket_id,
                inbound_id=bounce.inbound_id,
                at=bounce.at,
            )
        )

    def bounces_for(self, contact_id: int) -> list[BounceRecord]:
        b = mail_bounces.c
        rows = self.session.execute(
            select(mail_bounces).where(b.contact_id == contact_id).order_by(b.id)
        )
        return [
            BounceRecord(
                address=row.address,
                action=row.action,
                status=row.status,
                diagnostic=row.diagnostic,
                inbound_id=row.inbound_id,
                at=row.at,
                contact_id=row.contact_id,
                ticket_id=row.ticket_id,
                original_message_id=row.original_message_id,
            )
            for row in rows
        ]
