"""Links between tickets and the records levels 3 and 4 keep, in storage: one table for every
kind of record (``record_kind`` + ``record_id``), its mapping and the repository."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint, func, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.record_links import RecordKind, RecordLink

record_links = Table(
    "record_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_kind", EnumText(RecordKind), nullable=False),
    Column("record_id", Integer, nullable=False),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("record_kind", "record_id", "ticket_id", name="uq_record_links_record_ticket"),
)


def map_record_links(reg: registry) -> None:
    reg.map_imperatively(RecordLink, record_links)


class SqlRecordLinkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, link: RecordLink) -> None:
        self.session.add(link)

    def of_record(self, kind: RecordKind, record_id: int) -> list[RecordLink]:
        c = record_links.c
        query = select(RecordLink).where(c.record_kind == str(kind), c.record_id == record_id)
        return list(self.session.scalars(query.order_by(c.id)))

    def counts(self, kind: RecordKind, record_ids: Sequence[int]) -> dict[int, int]:
        c = record_links.c
        query = (
            select(c.record_id, func.count())
            .where(c.record_kind == str(kind), c.record_id.in_(list(record_ids)))
            .group_by(c.record_id)
        )
        return {int(row[0]): int(row[1]) for row in self.session.execute(query)}

    def of_ticket(self, ticket_id: int) -> list[RecordLink]:
        c = record_links.c
        query = select(RecordLink).where(c.ticket_id == ticket_id).order_by(c.id)
        return list(self.session.scalars(query))
