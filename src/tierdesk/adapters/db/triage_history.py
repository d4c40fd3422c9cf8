"""What triage learns from: the desk's finished tickets and the ones an agent decided, read with
plain SQL Core."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables as core
from tierdesk.adapters.db import tables_understanding as t
from tierdesk.adapters.db.tables_routing import queues
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.triage import triage_text

_FINISHED = ("solved", "closed")


def _learnt_from() -> ColumnElement[bool]:
    tk, p = core.tickets.c, t.triage_predictions.c
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
    tk, p = core.tickets.c, t.triage_predictions.c
    solved = select(func.count()).where(tk.status.in_(_FINISHED))
    decided = select(func.count()).where(p.outcome.is_not(None))
    if since is not None:
        solved = solved.where(func.coalesce(tk.solved_at, tk.closed_at) > since)
        decided = decided.where(p.decided_at > since)
    return int(session.execute(solved).scalar_one()) + int(session.execute(decided).scalar_one())


def open_tickets(session: Session, limit: int) -> list[tuple[int, str, set[str]]]:
    """The newest ``limit`` tickets still open: id, triage text, fields an agent decided."""
    tk, m, p = core.tickets.c, core.messages.c, t.triage_predictions.c
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
