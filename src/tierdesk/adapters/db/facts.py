"""Facts read from tickets in storage, with where they were read, and which messages have been
read for them (``services/enrichment.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.domain.facts import Fact, FactKind

ticket_facts = Table(
    "ticket_facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("message_id", ForeignKey("messages.id"), nullable=True),
    Column("attachment_id", ForeignKey("attachments.id"), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("value", Text, nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("internal", Boolean, nullable=False),  # read from an internal note: agents only
    Column("detail", json_value(), nullable=False),  # a log template's counts, first/last seen…
    Index("ix_ticket_facts_ticket_id", "ticket_id"),
)

enriched_messages = Table(
    "enriched_messages",
    metadata,
    Column("ticket_id", ForeignKey("tickets.id"), primary_key=True),
    Column("message_id", ForeignKey("messages.id"), primary_key=True),
)


class SqlFactRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, facts: Sequence[Fact]) -> None:
        if not facts:
            return
        self.session.execute(
            insert(ticket_facts),
            [
                {
                    "ticket_id": f.ticket_id,
                    "message_id": f.message_id,
                    "attachment_id": f.attachment_id,
                    "kind": str(f.kind),
                    "value": f.value,
                    "start_offset": f.start,
                    "end_offset": f.end,
                    "internal": f.internal,
                    "detail": f.detail,
                }
                for f in facts
            ],
        )

    def for_ticket(self, ticket_id: int, *, include_internal: bool) -> list[Fact]:
        c = ticket_facts.c
        query = select(ticket_facts).where(c.ticket_id == ticket_id).order_by(c.id)
        if not include_internal:
            query = query.where(c.internal.is_(False))
        return [
            Fact(
                FactKind(r.kind),
                r.value,
                r.start_offset,
                r.end_offset,
                r.message_id,
                r.attachment_id,
                r.internal,
                dict(r.detail),
                r.ticket_id,
                r.id,
            )
            for r in self.session.execute(query)
        ]

    def enriched_message_ids(self, ticket_id: int) -> set[int]:
        c = enriched_messages.c
        rows = self.session.execute(select(c.message_id).where(c.ticket_id == ticket_id))
        return {int(r[0]) for r in rows}

    def mark_enriched(self, ticket_id: int, message_id: int) -> None:
        self.session.execute(
            insert(enriched_messages).values(ticket_id=ticket_id, message_id=message_id)
        )
