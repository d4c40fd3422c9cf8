"""L3 outcomes in storage: the table, its mapping onto ``OutcomeRecord`` and the repository
(the metrics read the table directly: ``metrics.py``)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime
from tierdesk.domain.l3_outcomes import L3Outcome, OutcomeRecord

l3_outcomes = Table(
    "l3_outcomes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("outcome", EnumText(L3Outcome), nullable=False),
    Column("tier", TierNumber, nullable=False),
    Column("product_id", ForeignKey("products.id")),
    Column("record_id", Integer),
    Column("decided_at", UtcDateTime, nullable=False),
    Column("decided_by", String(200), nullable=False),
    Index("ix_l3_outcomes_decided_at", "decided_at"),
)


def map_l3_outcomes(reg: registry) -> None:
    reg.map_imperatively(OutcomeRecord, l3_outcomes)


class SqlOutcomeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, outcome: OutcomeRecord) -> None:
        self.session.add(outcome)

    def of_ticket(self, ticket_id: int) -> list[OutcomeRecord]:
        c = l3_outcomes.c
        query = select(OutcomeRecord).where(c.ticket_id == ticket_id).order_by(c.id)
        return list(self.session.scalars(query))
