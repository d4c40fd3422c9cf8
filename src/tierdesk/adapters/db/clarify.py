"""Clarifying questions in storage: what a ticket was missing, asked once
(``services/enrichment.py``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.clarify import ClarifyingQuestion, ClarifyMode

clarifying_questions = Table(
    "clarifying_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("missing", json_value(), nullable=False),
    Column("language", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("message_id", ForeignKey("messages.id"), nullable=True),
    UniqueConstraint("ticket_id", name="uq_clarifying_questions_ticket_id"),  # asked once
)


class SqlClarifyingQuestionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, question: ClarifyingQuestion) -> ClarifyingQuestion:
        question.id = self.session.execute(
            insert(clarifying_questions)
            .values(
                ticket_id=question.ticket_id,
                missing=question.missing,
                language=question.language,
                text=question.text,
                mode=str(question.mode),
                created_at=question.created_at,
                sent_at=question.sent_at,
                message_id=question.message_id,
            )
            .returning(clarifying_questions.c.id)
        ).scalar_one()
        return question

    def _questions(self, *where: Any) -> list[ClarifyingQuestion]:
        rows = self.session.execute(select(clarifying_questions).where(*where))
        return [
            ClarifyingQuestion(
                r.ticket_id,
                list(r.missing),
                r.language,
                r.text,
                ClarifyMode(r.mode),
                r.created_at,
                r.sent_at,
                r.message_id,
                r.id,
            )
            for r in rows
        ]

    def for_ticket(self, ticket_id: int) -> list[ClarifyingQuestion]:
        return self._questions(clarifying_questions.c.ticket_id == ticket_id)

    def get(self, question_id: int) -> ClarifyingQuestion | None:
        found = self._questions(clarifying_questions.c.id == question_id)
        return found[0] if found else None

    def save(self, question: ClarifyingQuestion) -> None:
        self.session.execute(
            update(clarifying_questions)
            .where(clarifying_questions.c.id == question.id)
            .values(
                mode=str(question.mode), sent_at=question.sent_at, message_id=question.message_id
            )
        )
