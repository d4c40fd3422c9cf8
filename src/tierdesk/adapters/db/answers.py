"""Automatic answers in storage (``services/answers.py``): one row per answered ticket, with
its source, confidence and what became of it. The table, its mapping and the repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    Float,
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

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.memo import transaction_slot
from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime
from tierdesk.domain.answers import AnswerAttempt, AnswerOutcome, AnswerPolicy, SourceKind

answer_attempts = Table(
    "answer_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("queue", String(120), nullable=False),
    Column("tier", TierNumber, nullable=False),
    Column("policy", EnumText(AnswerPolicy, length=16), nullable=False),
    Column("language", String(16), nullable=False),
    Column("source_kind", EnumText(SourceKind, length=16), nullable=False),
    Column("source_key", String(200), nullable=False),
    Column("citation", Text, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("sent_by_agent", Boolean, nullable=False),
    Column("message_id", ForeignKey("messages.id"), nullable=True),
    Column("outcome", EnumText(AnswerOutcome, length=16), nullable=True),
    Column("outcome_at", UtcDateTime, nullable=True),
    UniqueConstraint("ticket_id", name="uq_answer_attempts_ticket_id"),  # never twice
)

_a = answer_attempts.c


def map_answers(reg: registry) -> None:
    reg.map_imperatively(AnswerAttempt, answer_attempts)


_NONE_YET = "tierdesk.no_answer_yet"  # session info: (its transaction, ticket ids)


def _none_yet(session: Session) -> set[int]:
    """Tickets this transaction inserted and gave no attempt (reset when it ends)."""
    return transaction_slot(session, _NONE_YET, set)


def none_yet(session: Session, ticket_id: int) -> None:
    """The ticket was inserted in this transaction a moment ago: no answer was tried on it (the
    answerer runs after the commit), so its opening's handlers need not ask."""
    _none_yet(session).add(ticket_id)


class SqlAnswerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, attempt: AnswerAttempt) -> None:
        _none_yet(self.session).discard(attempt.ticket_id)
        self.session.add(attempt)
        self.session.flush()

    def for_ticket(self, ticket_id: int) -> AnswerAttempt | None:
        if ticket_id in _none_yet(self.session):
            return None
        query = select(AnswerAttempt).where(_a.ticket_id == ticket_id)
        return self.session.scalars(query).first()

    def awaiting_reaction(self, sent_before: datetime) -> list[AnswerAttempt]:
        """Answers sent before ``sent_before`` that the customer has not reacted to."""
        query = (
            select(AnswerAttempt)
            .where(_a.sent_at.is_not(None), _a.sent_at < sent_before, _a.outcome.is_(None))
            .where(_a.source_kind != SourceKind.CLARIFY)  # a question awaits no verdict
            .order_by(_a.id)
        )
        return list(self.session.scalars(query))

    def made_between(self, since: datetime, until: datetime) -> Sequence[AnswerAttempt]:
        query = (
            select(AnswerAttempt)
            .where(_a.created_at >= since, _a.created_at < until)
            .order_by(_a.id)
        )
        return list(self.session.scalars(query))

    def tickets_per_queue(self, since: datetime, until: datetime) -> dict[tuple[int, str], int]:
        """Tickets opened in ``[since, until)`` by the (level, queue) they are in now."""
        tk = tables.tickets.c
        query = (
            select(tk.tier, tk.queue, func.count())
            .where(tk.created_at >= since, tk.created_at < until, tk.queue.is_not(None))
            .group_by(tk.tier, tk.queue)
        )
        return {(int(tier), queue): n for tier, queue, n in self.session.execute(query)}

    def tiers_of(self, ticket_ids: Sequence[int]) -> dict[int, int]:
        """The level each ticket is at now."""
        if not ticket_ids:
            return {}
        tk = tables.tickets.c
        query = select(tk.id, tk.tier).where(tk.id.in_(list(ticket_ids)))
        return {ticket_id: int(tier) for ticket_id, tier in self.session.execute(query)}
