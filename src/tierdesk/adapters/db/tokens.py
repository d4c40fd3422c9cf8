"""API tokens in storage: only a token's digest is kept, with whose it is (``services/auth.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, Integer, String, Table, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.ports.tokens import StoredToken

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("principal_kind", String(16), nullable=False),
    Column("principal_id", Integer, nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked", Boolean, nullable=False),
)


class SqlTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, principal_kind: str, principal_id: int, digest: str, label: str, created_at: datetime
    ) -> int:
        result = self.session.execute(
            api_tokens.insert()
            .values(
                digest=digest,
                principal_kind=principal_kind,
                principal_id=principal_id,
                label=label,
                created_at=created_at,
                revoked=False,
            )
            .returning(api_tokens.c.id)
        )
        return int(result.scalar_one())

    def find(self, digest: str) -> StoredToken | None:
        t = api_tokens.c
        row = self.session.execute(
            select(t.id, t.principal_kind, t.principal_id, t.last_used_at).where(
                t.digest == digest, t.revoked.is_(False)
            )
        ).first()
        if row is None:
            return None
        return StoredToken(
            principal_kind=row.principal_kind,
            principal_id=row.principal_id,
            token_id=row.id,
            last_used_at=row.last_used_at,
        )

    def touch(self, token_id: int, at: datetime) -> None:
        t = api_tokens
        self.session.execute(t.update().where(t.c.id == token_id).values(last_used_at=at))
