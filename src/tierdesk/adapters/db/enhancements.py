"""Enhancement requests and their votes in storage: the tables, their mappings and the
repository."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.enhancements import Enhancement, EnhancementStatus, EnhancementVote

enhancements = Table(
    "enhancements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("status", EnumText(EnhancementStatus), nullable=False),
    Column("shipped_in", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)

enhancement_votes = Table(
    "enhancement_votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enhancement_id", ForeignKey("enhancements.id"), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id")),
    Column("created_at", UtcDateTime, nullable=False),
    # One vote per organisation, however many of its tickets ask.
    UniqueConstraint(
        "enhancement_id", "organisation_id", name="uq_enhancement_votes_enhancement_organisation"
    ),
)


def map_enhancements(reg: registry) -> None:
    reg.map_imperatively(Enhancement, enhancements)
    reg.map_imperatively(EnhancementVote, enhancement_votes)


class SqlEnhancementRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, enhancement: Enhancement) -> None:
        self.session.add(enhancement)

    def get(self, enhancement_id: int) -> Enhancement | None:
        return self.session.get(Enhancement, enhancement_id)

    def find(self, status: EnhancementStatus | None = None) -> list[Enhancement]:
        query = select(Enhancement).order_by(enhancements.c.id)
        if status is not None:
            query = query.where(enhancements.c.status == str(status))
        return list(self.session.scalars(query))

    def add_vote(self, vote: EnhancementVote) -> None:
        self.session.add(vote)

    def remove_vote(self, vote: EnhancementVote) -> None:
        self.session.delete(vote)

    def votes(self, enhancement_id: int) -> list[EnhancementVote]:
        c = enhancement_votes.c
        query = select(EnhancementVote).where(c.enhancement_id == enhancement_id)
        return list(self.session.scalars(query.order_by(c.id)))

    def vote_counts(self, enhancement_ids: Sequence[int]) -> dict[int, int]:
        column = enhancement_votes.c.enhancement_id
        query = (
            select(column, func.count()).where(column.in_(list(enhancement_ids))).group_by(column)
        )
        return {int(row[0]): int(row[1]) for row in self.session.execute(query)}
