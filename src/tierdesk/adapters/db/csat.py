"""Customer satisfaction ratings in storage (``services/csat.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, Table, Text, insert, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.csat import CsatRating

csat_ratings = Table(
    "csat_ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, unique=True),
    Column("contact_id", ForeignKey("contacts.id"), nullable=False),
    Column("score", Integer, nullable=False),  # 1 (very unhappy) … 5 (very happy)
    Column("comment", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

_c = csat_ratings.c


class SqlCsatRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, rating: CsatRating) -> CsatRating:
        new_id = self.session.execute(
            insert(csat_ratings)
            .values(
                ticket_id=rating.ticket_id,
                contact_id=rating.contact_id,
                score=rating.score,
                comment=rating.comment,
                created_at=rating.created_at,
            )
            .returning(_c.id)
        ).scalar_one()
        return replace(rating, id=int(new_id))

    def for_tickets(self, ticket_ids: Sequence[int]) -> dict[int, CsatRating]:
        if not ticket_ids:
            return {}
        rows = self.session.execute(select(csat_ratings).where(_c.ticket_id.in_(ticket_ids)))
        return {
            r.ticket_id: CsatRating(
                r.ticket_id, r.contact_id, r.score, r.comment, r.created_at, r.id
            )
            for r in rows
        }

    def since(self, since: datetime) -> list[CsatRating]:
        rows = self.session.execute(
            select(csat_ratings).where(_c.created_at >= since).order_by(_c.id)
        )
        return [
            CsatRating(r.ticket_id, r.contact_id, r.score, r.comment, r.created_at, r.id)
            for r in rows
        ]

    def for_ticket(self, ticket_id: int) -> CsatRating | None:
        return self.for_tickets([ticket_id]).get(ticket_id)
