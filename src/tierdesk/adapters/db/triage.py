"""Triage in storage (``services/triage.py``): its suggestions (predictions) and what agents
decided of them, the trained models, and what it learns from (the finished tickets and the ones
an agent decided, read with plain SQL Core)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables as core
from tierdesk.adapters.db.queues import queues
from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.triage import Outcome, TriageField, TriagePrediction, triage_text

triage_models = Table(
    "triage_models",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("trained_at", UtcDateTime, nullable=False),
    Column("examples", Integer, nullable=False),
    Column("metrics", json_value(), nullable=False),
)

triage_model_fields = Table(
    "triage_model_fields",
    metadata,
    Column("model_id", ForeignKey("triage_models.id"), primary_key=True),
    Column("field", String(16), primary_key=True),
    Column("data", LargeBinary, nullable=False),  # numpy arrays (savez): no pickle
)

triage_predictions = Table(
    "triage_predictions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("field", String(16), nullable=False),
    Column("best", String(200), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("abstained", Boolean, nullable=False),
    Column("source", String(16), nullable=False),
    Column("model_id", ForeignKey("triage_models.id"), nullable=True),
    Column("alternatives", json_value(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("outcome", String(16), nullable=True),
    Column("final_value", String(200), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Index("ix_triage_predictions_ticket_id", "ticket_id"),
)


class SqlTriageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_prediction(self, prediction: TriagePrediction) -> TriagePrediction:
        prediction.id = self.session.execute(
            insert(triage_predictions)
            .values(**_prediction_row(prediction))
            .returning(triage_predictions.c.id)
        ).scalar_one()
        return prediction

    def _predictions(self, *where: Any) -> list[TriagePrediction]:
        c = triage_predictions.c
        rows = self.session.execute(select(triage_predictions).where(*where).order_by(c.id))
        return [_prediction(r) for r in rows]

    def predictions(self, ticket_id: int) -> list[TriagePrediction]:
        return self._predictions(triage_predictions.c.ticket_id == ticket_id)

    def all_predictions(self, since: datetime | None) -> list[TriagePrediction]:
        c = triage_predictions.c
        return self._predictions(*([c.created_at >= since] if since else []))

    def save_decision(self, prediction: TriagePrediction) -> None:
        c = triage_predictions.c
        self.session.execute(
            update(triage_predictions)
            .where(c.id == prediction.id)
            .values(
                outcome=str(prediction.outcome) if prediction.outcome else None,
                final_value=prediction.final_value,
                decided_by=prediction.decided_by,
                decided_at=prediction.decided_at,
            )
        )

    def corrections_since(self, since: datetime | None) -> int:
        c = triage_predictions.c
        query = select(func.count()).where(c.outcome == str(Outcome.CORRECTED))
        if since is not None:
            query = query.where(c.decided_at > since)
        return int(self.session.execute(query).scalar_one())

    def add_model(
        self,
        trained_at: datetime,
        examples: int,
        metrics: dict[str, dict[str, float]],
        fields: dict[str, bytes],
    ) -> int:
        model_id = int(
            self.session.execute(
                insert(triage_models)
                .values(trained_at=trained_at, examples=examples, metrics=metrics)
                .returning(triage_models.c.id)
            ).scalar_one()
        )
        for name, data in fields.items():
            self.session.execute(
                insert(triage_model_fields).values(model_id=model_id, field=name, data=data)
            )
        return model_id

    def training_rows(self) -> list[dict[str, Any]]:
        return training_rows(self.session)

    def examples_since(self, since: datetime | None) -> int:
        return examples_since(self.session, since)

    def open_tickets(self, limit: int) -> list[tuple[int, str, set[str]]]:
        return open_tickets(self.session, limit)

    def latest_model_id(self) -> int | None:
        found = self.session.execute(select(func.max(triage_models.c.id))).scalar_one()
        return int(found) if found is not None else None

    def model_fields(self, model_id: int) -> list[str]:
        c = triage_model_fields.c
        return [r[0] for r in self.session.execute(select(c.field).where(c.model_id == model_id))]

    def model_data(self, model_id: int, field: str) -> bytes:
        c = triage_model_fields.c
        return bytes(
            self.session.execute(
                select(c.data).where(c.model_id == model_id, c.field == field)
            ).scalar_one()
        )

    def latest_model_trained_at(self) -> datetime | None:
        c = triage_models.c
        found = self.session.execute(select(func.max(c.trained_at))).scalar_one()
        return found if isinstance(found, datetime) or found is None else None


def _prediction_row(p: TriagePrediction) -> dict[str, Any]:
    return {
        "ticket_id": p.ticket_id,
        "field": str(p.field),
        "best": p.best[:200],
        "confidence": p.confidence,
        "abstained": p.abstained,
        "source": p.source,
        "model_id": p.model_id,
        "alternatives": p.alternatives,
        "created_at": p.created_at,
        "outcome": str(p.outcome) if p.outcome else None,
        "final_value": p.final_value,
        "decided_by": p.decided_by,
        "decided_at": p.decided_at,
    }


def _prediction(r: Any) -> TriagePrediction:
    return TriagePrediction(
        r.ticket_id,
        TriageField(r.field),
        r.best,
        r.confidence,
        r.abstained,
        r.source,
        r.created_at,
        r.model_id,
        list(r.alternatives),
        Outcome(r.outcome) if r.outcome else None,
        r.final_value,
        r.decided_by,
        r.decided_at,
        r.id,
    )


_FINISHED = ("solved", "closed")


def _learnt_from() -> ColumnElement[bool]:
    tk, p = core.tickets.c, triage_predictions.c
    decided = select(p.ticket_id).where(p.outcome.is_not(None))
    return tk.status.in_(_FINISHED) | tk.id.in_(decided)


def training_rows(session: Session) -> list[dict[str, Any]]:
    """Solved or closed tickets and any ticket an agent decided a suggestion for, with the text
    triage reads at intake (subject and first customer message) and the fields it learns: the
    queue intake sent the ticket to, and the final product, component, type, priority, level."""
    tk, m = core.tickets.c, core.messages.c
    p, c = core.products.c, core.components.c
    first_message = (
        select(m.ticket_id, func.min(m.id).label("message_id"))
        .where(m.kind == MessageKind.CUSTOMER)
        .group_by(m.ticket_id)
        .subquery()
    )
    rows = session.execute(
        select(
            tk.id,
            tk.subject,
            m.body_text,
            tk.queue,
            p.key.label("product"),
            c.name.label("component"),
            tk.type,
            tk.priority,
            tk.tier,
        )
        .select_from(core.tickets)
        .outerjoin(first_message, first_message.c.ticket_id == tk.id)
        .outerjoin(core.messages, m.id == first_message.c.message_id)
        .outerjoin(core.products, p.id == tk.product_id)
        .outerjoin(core.components, c.id == tk.component_id)
        .where(_learnt_from())
        .order_by(tk.id)
    ).all()
    tiers = {key: int(tier) for key, tier in session.execute(select(queues.c.key, queues.c.tier))}
    routed = _first_routed_above_l0(session, tiers)
    return [
        {
            "ticket_id": r.id,
            "text": triage_text(r.subject, r.body_text or ""),
            "queue": routed.get(r.id) or (r.queue if tiers.get(r.queue or "", 0) > 0 else ""),
            "product": r.product or "",
            "component": r.component or "",
            "type": str(r.type),
            "priority": str(r.priority),
            "level": f"L{int(r.tier)}",
        }
        for r in rows
    ]


def _first_routed_above_l0(session: Session, tiers: dict[str, int]) -> dict[int, str]:
    """Per ticket, the first queue above L0 its trail routed it to: what intake (a rule or an
    L0 agent) decided, before any escalation moved it on. A ticket whose trail has none (an
    imported one) falls back to its current queue above L0; one that never left L0 has no
    queue to learn."""
    a, tk = core.audit_events.c, core.tickets.c
    learnt = select(tk.id).where(_learnt_from())
    events = session.execute(
        select(a.ticket_id, a.changes)
        .where(a.action == "ticket.routed", a.ticket_id.in_(learnt))
        .order_by(a.id)
    )
    first: dict[int, str] = {}
    for ticket_id, changes in events:
        if ticket_id in first:
            continue
        moved = changes.get("queue") if isinstance(changes, dict) else None
        queue = moved[-1] if isinstance(moved, list) and moved else None
        if isinstance(queue, str) and tiers.get(queue, 0) > 0:
            first[ticket_id] = queue
    return first


def examples_since(session: Session, since: datetime | None) -> int:
    """New things to learn from since ``since`` (None: ever): tickets solved since then and
    suggestions agents decided since then."""
    tk, p = core.tickets.c, triage_predictions.c
    solved = select(func.count()).where(tk.status.in_(_FINISHED))
    decided = select(func.count()).where(p.outcome.is_not(None))
    if since is not None:
        solved = solved.where(func.coalesce(tk.solved_at, tk.closed_at) > since)
        decided = decided.where(p.decided_at > since)
    return int(session.execute(solved).scalar_one()) + int(session.execute(decided).scalar_one())


def open_tickets(session: Session, limit: int) -> list[tuple[int, str, set[str]]]:
    """The newest ``limit`` tickets still open: id, triage text, fields an agent decided."""
    tk, m, p = core.tickets.c, core.messages.c, triage_predictions.c
    newest = (
        select(tk.id, tk.subject)
        .where(tk.status.not_in(_FINISHED))
        .order_by(tk.id.desc())
        .limit(limit)
        .subquery()
    )
    first_message = (
        select(m.ticket_id, func.min(m.id).label("message_id"))
        .where(m.kind == MessageKind.CUSTOMER, m.ticket_id.in_(select(newest.c.id)))
        .group_by(m.ticket_id)
        .subquery()
    )
    rows = session.execute(
        select(newest.c.id, newest.c.subject, m.body_text)
        .select_from(newest)
        .outerjoin(first_message, first_message.c.ticket_id == newest.c.id)
        .outerjoin(core.messages, m.id == first_message.c.message_id)
        .order_by(newest.c.id)
    ).all()
    decided: dict[int, set[str]] = {}
    for ticket_id, field in session.execute(
        select(p.ticket_id, p.field).where(
            p.outcome.is_not(None), p.ticket_id.in_(select(newest.c.id))
        )
    ):
        decided.setdefault(ticket_id, set()).add(field)
    return [
        (r.id, triage_text(r.subject, r.body_text or ""), decided.get(r.id, set())) for r in rows
    ]
