"""The forms' one-time keys in storage (``services/idempotency.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.idempotency import IdempotencyKey
from tierdesk.errors import ConflictError

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(64), primary_key=True),  # one a rendered form; unique across processes
    Column("who", String(40), nullable=False),  # "contact:12", "agent:3"
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),  # what the first post made
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_idempotency_keys_expires_at", "expires_at"),
)

_k = idempotency_keys.c


class SqlIdempotencyKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> IdempotencyKey | None:
        row = self.session.execute(select(idempotency_keys).where(_k.key == key)).one_or_none()
        if row is None:
            return None
        return IdempotencyKey(row.key, row.who, row.ticket_id, row.created_at, row.expires_at)

    def add(self, used: IdempotencyKey) -> None:
        statement = insert(idempotency_keys).values(
            key=used.key,
            who=used.who,
            ticket_id=used.ticket_id,
            created_at=used.created_at,
            expires_at=used.expires_at,
        )
        try:
            self.session.execute(statement)
        except IntegrityError as exc:
            # The transaction is spoiled on PostgreSQL; the caller abandons it.
            raise ConflictError("this form was sent already", field="form_key") from exc

    def purge(self, now: datetime) -> int:
        result = self.session.execute(delete(idempotency_keys).where(_k.expires_at < now))
        return int(result.rowcount)  # type: ignore[attr-defined]
