"""Knowledge misses and portal suggestion reads in storage (``services/knowledge_gaps.py``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.knowledge_gaps import KnowledgeMiss, MissSource, SuggestionRead

# No foreign key to tickets or contacts on purpose: a miss is evidence about the knowledge,
# kept (for its retention) when a ticket is merged away or a contact removed.
knowledge_misses = Table(
    "knowledge_misses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", EnumText(MissSource), nullable=False),
    Column("text", Text, nullable=False),  # the query, or a ticket's subject and problem
    Column("organisation_id", ForeignKey("organisations.id")),
    Column("contact_id", Integer),
    Column("ticket_id", Integer),
    Column("product", String(200)),
    Column("language", String(16)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Index("ix_knowledge_misses_last_seen_at", "last_seen_at"),
    Index("ix_knowledge_misses_contact_id", "contact_id"),
)

suggestion_reads = Table(
    "suggestion_reads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("source", String(200), nullable=False),  # as a deflection names it
    Column("title", Text, nullable=False),
    Column("shown_at", UtcDateTime, nullable=False),
    Column("ticket_id", Integer),  # the ticket the contact opened after reading it
    Index("ix_suggestion_reads_contact_id_shown_at", "contact_id", "shown_at"),
    Index("ix_suggestion_reads_shown_at", "shown_at"),
)

_m = knowledge_misses.c
_r = suggestion_reads.c


class SqlKnowledgeGapRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_miss(self, miss: KnowledgeMiss) -> KnowledgeMiss:
        new_id = self.session.execute(
            insert(knowledge_misses)
            .values(
                source=miss.source,
                text=miss.text,
                organisation_id=miss.organisation_id,
                contact_id=miss.contact_id,
                ticket_id=miss.ticket_id,
                product=miss.product,
                language=miss.language,
                created_at=miss.created_at,
                last_seen_at=miss.last_seen_at,
            )
            .returning(_m.id)
        ).scalar_one()
        return replace(miss, id=int(new_id))

    def draft_miss(self, contact_id: int, since: datetime) -> KnowledgeMiss | None:
        row = self.session.execute(
            select(knowledge_misses)
            .where(
                _m.contact_id == contact_id,
                _m.source == MissSource.PORTAL_SEARCH,
                _m.ticket_id.is_(None),
                _m.last_seen_at >= since,
            )
            .order_by(_m.last_seen_at.desc(), _m.id.desc())
            .limit(1)
        ).first()
        return _miss(row) if row is not None else None

    def update_miss(self, miss_id: int, text: str, at: datetime) -> None:
        self.session.execute(
            update(knowledge_misses).where(_m.id == miss_id).values(text=text, last_seen_at=at)
        )

    def withdraw_drafts(self, contact_id: int, since: datetime) -> None:
        self.session.execute(
            delete(knowledge_misses).where(
                _m.contact_id == contact_id,
                _m.source == MissSource.PORTAL_SEARCH,
                _m.ticket_id.is_(None),
                _m.last_seen_at >= since,
            )
        )

    def ticket_missed(self, ticket_id: int) -> bool:
        found = self.session.execute(
            select(_m.id)
            .where(_m.ticket_id == ticket_id, _m.source == MissSource.NEW_TICKET)
            .limit(1)
        ).first()
        return found is not None

    def tie_to_ticket(self, contact_id: int, since: datetime, ticket_id: int) -> int:
        tied = self.session.execute(
            update(knowledge_misses)
            .where(
                _m.contact_id == contact_id,
                _m.source == MissSource.PORTAL_SEARCH,
                _m.ticket_id.is_(None),
                _m.last_seen_at >= since,
            )
            .values(ticket_id=ticket_id)
        )
        self.session.execute(
            update(suggestion_reads)
            .where(_r.contact_id == contact_id, _r.ticket_id.is_(None), _r.shown_at >= since)
            .values(ticket_id=ticket_id)
        )
        return int(tied.rowcount)  # type: ignore[attr-defined]

    def misses_since(self, since: datetime, limit: int) -> list[KnowledgeMiss]:
        rows = self.session.execute(
            select(knowledge_misses)
            .where(_m.last_seen_at >= since)
            .order_by(_m.last_seen_at.desc(), _m.id.desc())
            .limit(limit)
        )
        return [_miss(r) for r in rows]

    def add_read(self, read: SuggestionRead, since: datetime) -> bool:
        seen = self.session.execute(
            select(_r.id)
            .where(
                _r.contact_id == read.contact_id,
                _r.source == read.source,
                _r.ticket_id.is_(None),
                _r.shown_at >= since,
            )
            .limit(1)
        ).first()
        if seen is not None:
            return False
        self.session.execute(
            insert(suggestion_reads).values(
                contact_id=read.contact_id,
                organisation_id=read.organisation_id,
                source=read.source,
                title=read.title,
                shown_at=read.shown_at,
            )
        )
        return True

    def reads_followed_by_tickets(self, since: datetime, limit: int) -> list[SuggestionRead]:
        rows = self.session.execute(
            select(suggestion_reads)
            .where(_r.shown_at >= since, _r.ticket_id.is_not(None))
            .order_by(_r.shown_at.desc(), _r.id.desc())
            .limit(limit)
        )
        return [
            SuggestionRead(
                r.contact_id, r.organisation_id, r.source, r.title, r.shown_at, r.ticket_id, r.id
            )
            for r in rows
        ]

    def prune(self, before: datetime) -> int:
        misses = self.session.execute(delete(knowledge_misses).where(_m.last_seen_at < before))
        reads = self.session.execute(delete(suggestion_reads).where(_r.shown_at < before))
        # DELETE answers a CursorResult, which the session's typing does not say
        return int(misses.rowcount) + int(reads.rowcount)  # type: ignore[attr-defined]


def _miss(r: Row[Any]) -> KnowledgeMiss:
    return KnowledgeMiss(
        source=MissSource(r.source),
        text=r.text,
        organisation_id=r.organisation_id,
        created_at=r.created_at,
        last_seen_at=r.last_seen_at,
        contact_id=r.contact_id,
        ticket_id=r.ticket_id,
        product=r.product,
        language=r.language,
        id=r.id,
    )
