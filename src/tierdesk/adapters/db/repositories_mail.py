"""Storage of e-mail in and out (``ports.MailRepository``). No commits here: the unit of work owns
the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.repositories import json_array_contains
from tierdesk.adapters.db.tables_mail import (
    inbound_emails,
    mail_bounces,
    mail_message_ids,
    mail_outbox,
)
from tierdesk.domain.inbound import (
    BounceRecord,
    EmailIdentity,
    InboundOutcome,
    InboundRecord,
    InboundResult,
)
from tierdesk.domain.names import name_key
from tierdesk.domain.outbound import OutboxItem, OutboxStatus, OutgoingKind
from tierdesk.errors import ConflictError

_in = inbound_emails.c
_out = mail_outbox.c


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
    )


class SqlMailRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- inbound ---------------------------------------------------------------------------

    def find_inbound(self, identity: EmailIdentity) -> InboundRecord | None:
        row = self.session.execute(
            select(inbound_emails).where(
                _in.message_id == identity.message_id, _in.content_hash == identity.content_hash
            )
        ).first()
        return _inbound(row) if row else None

    def add_inbound(
        self, mailbox: str, identity: EmailIdentity, size: int, raw_key: str, at: datetime
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
                outcome=InboundOutcome.RECEIVING,
            )
            .returning(_in.id)
        )
        try:
            return int(self.session.execute(statement).scalar_one())
        except IntegrityError as exc:
            # The transaction is spoiled on PostgreSQL; the caller abandons it.
            raise ConflictError("this message was stored already", field="message_id") from exc

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

    # -- threading -------------------------------------------------------------------------

    def remember_message_id(
        self, header_id: str, ticket_id: int, message_id: int | None, direction: str
    ) -> None:
        if not header_id:
            return
        self.session.execute(
            mail_message_ids.insert().values(
                header_id=header_id, ticket_id=ticket_id, message_id=message_id, direction=direction
            )
        )

    def ticket_for_message_ids(self, header_ids: Sequence[str]) -> int | None:
        """The ticket of the first id (in the given order of preference) the desk knows."""
        if not header_ids:
            return None
        t = mail_message_ids.c
        rows = self.session.execute(
            select(t.header_id, t.ticket_id).where(t.header_id.in_(list(header_ids))).order_by(t.id)
        )
        found: dict[str, int] = {}
        for header_id, ticket_id in rows:
            found[header_id] = ticket_id  # the newest mapping wins (a follow-up's, say)
        return next((found[h] for h in header_ids if h in found), None)

    def thread_of(self, ticket_id: int) -> list[str]:
        t = mail_message_ids.c
        rows = self.session.scalars(
            select(t.header_id).where(t.ticket_id == ticket_id).order_by(t.id)
        )
        return list(rows)

    def organisation_for_domain(self, domain: str) -> int | None:
        o = tables.organisations.c
        dialect = self._dialect
        query = (
            select(o.id)
            .where(json_array_contains(o.email_domains, domain, dialect), o.active.is_(True))
            .order_by(o.id)
        )
        return self.session.scalars(query).first()

    def _insert_once(self, table: Table, unique: str, values: dict[str, Any]) -> int | None:
        """INSERT … ON CONFLICT DO NOTHING: the new id, or None when a concurrent (or earlier)
        transaction holds that unique value. Two intakes creating one sender never collide."""
        insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        statement = (
            insert(table).values(**values).on_conflict_do_nothing(index_elements=[unique])
        ).returning(table.c.id)
        return self.session.execute(statement).scalar_one_or_none()

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def ensure_organisation(self, name: str, plan_key: str, at: datetime) -> tuple[int, bool]:
        o = tables.organisations.c
        key = name_key(name)
        found = self.session.scalars(select(o.id).where(o.name_key == key)).first()
        if found is not None:
            return found, False
        p = tables.support_plans.c
        plan_id = self.session.scalars(select(p.id).where(p.key == plan_key)).first()
        if plan_id is None:
            plan_id = self.session.scalars(select(p.id).order_by(p.id)).first()
        values: dict[str, Any] = {
            "name": name,
            "name_key": key,
            "plan_id": plan_id,
            "email_domains": [],
            "timezone": "UTC",
            "active": True,
            "created_at": at,
        }
        new_id = self._insert_once(tables.organisations, "name_key", values)
        if new_id is not None:
            return new_id, True
        return self.session.scalars(select(o.id).where(o.name_key == key)).one(), False

    def ensure_contact(
        self, email: str, name: str, organisation_id: int, language: str, at: datetime
    ) -> tuple[int, bool]:
        c = tables.contacts.c
        found = self.session.scalars(select(c.id).where(c.email == email)).first()
        if found is not None:
            return found, False
        values: dict[str, Any] = {
            "email": email,
            "name": name,
            "organisation_id": organisation_id,
            "language": language,
            "active": True,
            "created_at": at,
        }
        new_id = self._insert_once(tables.contacts, "email", values)
        if new_id is not None:
            return new_id, True
        return self.session.scalars(select(c.id).where(c.email == email)).one(), False

    # -- outbound --------------------------------------------------------------------------

    def add_outgoing(
        self,
        ticket_id: int,
        kind: OutgoingKind,
        to_address: str,
        language: str,
        at: datetime,
        message_id: int | None = None,
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
            )
            .returning(_out.id)
        )
        return int(result.scalar_one())

    def outgoing_exists(self, ticket_id: int, kind: OutgoingKind, message_id: int | None) -> bool:
        query = select(_out.id).where(_out.ticket_id == ticket_id, _out.kind == kind)
        if message_id is not None:
            query = query.where(_out.message_id == message_id)
        return self.session.scalars(query.limit(1)).first() is not None

    def claim_outgoing(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxItem]:
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

    def set_outgoing_header(self, outbox_id: int, message_id_header: str) -> None:
        self.session.execute(
            update(mail_outbox)
            .where(_out.id == outbox_id)
            .values(message_id_header=message_id_header)
        )

    def finish_outgoing(
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

    def list_outgoing(
        self, statuses: Sequence[OutboxStatus], ticket_id: int | None = None, limit: int = 100
    ) -> list[OutboxItem]:
        query = select(mail_outbox).where(_out.status.in_([str(s) for s in statuses]))
        if ticket_id is not None:
            query = query.where(_out.ticket_id == ticket_id)
        rows = self.session.execute(query.order_by(_out.id).limit(limit))
        return [_outbox(row) for row in rows]

    # -- bounces ---------------------------------------------------------------------------

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
