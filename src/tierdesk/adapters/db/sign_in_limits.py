"""Failed sign-ins in storage: what the sign-in limits count (``services/sign_in_limits.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Integer, String, Table, delete, insert, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.sign_in_limits import LimitScope

# One row per failed sign-in (or invalid API token), counted per account and per client
# address by domain/sign_in_limits.py; kept in the database so every web process sees them.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(16), nullable=False),  # "account" or "client"
    Column("key", String(320), nullable=False),  # the e-mail address or the network address
    Column("at", UtcDateTime, nullable=False),
    Index("ix_sign_in_failures_scope_key_at", "scope", "key", "at"),
    Index("ix_sign_in_failures_at", "at"),
)

_f = sign_in_failures.c
_KEY_LENGTH = 320  # the column's width; longer keys (typed garbage) are counted by their prefix


class SqlSignInFailureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, scope: LimitScope, key: str, at: datetime) -> None:
        self.session.execute(
            insert(sign_in_failures).values(scope=str(scope), key=key[:_KEY_LENGTH], at=at)
        )

    def since(self, scope: LimitScope, key: str, since: datetime) -> list[datetime]:
        rows = self.session.execute(
            select(_f.at)
            .where(_f.scope == str(scope), _f.key == key[:_KEY_LENGTH], _f.at > since)
            .order_by(_f.at)
        )
        return [row.at for row in rows]

    def clear(self, scope: LimitScope, key: str) -> None:
        self.session.execute(
            delete(sign_in_failures).where(_f.scope == str(scope), _f.key == key[:_KEY_LENGTH])
        )

    def prune(self, before: datetime) -> int:
        result = self.session.execute(delete(sign_in_failures).where(_f.at < before))
        return int(result.rowcount)  # type: ignore[attr-defined]
