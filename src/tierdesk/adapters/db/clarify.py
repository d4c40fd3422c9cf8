"""Clarifying questions in storage: what a ticket was missing, asked once
(``services/enrichment.py``). The table, its mapping and the repository."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime, storable_id
from tierdesk.domain.clarify import ClarifyingQuestion, ClarifyMode

clarifying_questions = Table(
    "clarifying_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("missing", json_value(), nullable=False),
    Column("language", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("mode", EnumText(ClarifyMode, length=16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("message_id", ForeignKey("messages.id"), nullable=True),
    UniqueConstraint("ticket_id", name="uq_clarifying_questions_ticket_id"),  # asked once
)

_q = clarifying_questions.c


def map_clarify(reg: registry) -> None:
    reg.map_imperatively(ClarifyingQuestion, clarifying_questions)


class SqlClarifyingQuestionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, question: ClarifyingQuestion) -> None:
        self.session.add(question)

    def for_ticket(self, ticket_id: int) -> list[ClarifyingQuestion]:
        query = select(ClarifyingQuestion).where(_q.ticket_id == ticket_id).order_by(_q.id)
        return list(self.session.scalars(query))

    def get(self, question_id: int) -> ClarifyingQuestion | None:
        if not storable_id(question_id):
            return None
        return self.session.get(ClarifyingQuestion, question_id)
