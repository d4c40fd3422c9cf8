"""Deflections in storage: portal suggestions that answered the customer before a ticket was
opened (``services/deflection.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.deflection import Deflection

deflections = Table(
    "deflections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("query", Text, nullable=False),  # what the customer had typed
    # the suggestion: "kb:12#anchor", "known-issue:3", "ticket:TD-1042"
    Column("source", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_deflections_created_at", "created_at"),
)

_d = deflections.c


class SqlDeflectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, deflection: Deflection) -> Deflection:
        new_id = self.session.execute(
            insert(deflections)
            .values(
                contact_id=deflection.contact_id,
                organisation_id=deflection.organisation_id,
                query=deflection.query,
                source=deflection.source,
                title=deflection.title,
                created_at=deflection.created_at,
            )
            .returning(_d.id)
        ).scalar_one()
        return replace(deflection, id=int(new_id))

    def count(self, source: str) -> int:
        query = select(func.count()).select_from(deflections).where(_d.source == source)
        return int(self.session.execute(query).scalar_one())

    def since(self, since: datetime) -> list[Deflection]:
        rows = self.session.execute(
            select(deflections).where(_d.created_at >= since).order_by(_d.id)
        )
        return [
            Deflection(
                r.contact_id, r.organisation_id, r.query, r.source, r.title, r.created_at, r.id
            )
            for r in rows
        ]
