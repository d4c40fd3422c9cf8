"""What the escalation metrics read: a read model over the tickets' audit trail, their clocks
and the L3 outcomes. It returns values, not stored objects, so it reads the tables with Core."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.deadlines import ticket_deadlines
from tierdesk.adapters.db.l3_outcomes import l3_outcomes
from tierdesk.domain.metrics import ClockVerdict, TicketTrail, TrailEvent
from tierdesk.domain.sla import CUSTOMER_CLOCKS

# The audit actions that move a ticket between levels or in and out of work.
_TRAIL_ACTIONS = (
    "ticket.opened",
    "ticket.escalated",
    "ticket.de_escalated",
    "ticket.routed",
    "escalation.bounced",
    "escalation.marked_solvable_lower",
    "ticket.status_changed",
    "ticket.merged_into",
)


def _pair(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, list) and len(value) == 2:
        return int(value[0]), int(value[1])
    if isinstance(value, int):
        return value, None
    return None, None


def trail_event(at: datetime, action: str, changes: dict[str, Any]) -> TrailEvent:
    if action in ("ticket.status_changed", "ticket.merged_into"):
        status = changes.get("status")
        new = str(status[1]) if isinstance(status, list) and len(status) == 2 else None
        return TrailEvent(at, "ticket.status_changed", status=new)
    if action == "ticket.opened":
        return TrailEvent(at, action, to_tier=int(changes.get("tier", 0)))
    from_tier, to_tier = _pair(changes.get("tier"))
    return TrailEvent(at, action, from_tier=from_tier, to_tier=to_tier)


class SqlMetricsSource:
    def __init__(self, session: Session) -> None:
        self.session = session

    def trails(self, since: datetime, until: datetime, product_id: int | None) -> list[TicketTrail]:
        tk, ev = tables.tickets.c, tables.audit_events.c
        touched = select(ev.ticket_id).where(ev.at >= since, ev.ticket_id.is_not(None))
        wanted = select(tk.id).where(
            tk.created_at < until,
            or_(tk.status.not_in(["solved", "closed"]), tk.id.in_(touched)),
        )
        if product_id is not None:
            wanted = wanted.where(tk.product_id == product_id)
        query = (
            select(ev.ticket_id, ev.at, ev.action, ev.changes, tk.created_at)
            .join(tables.tickets, tk.id == ev.ticket_id)
            .where(ev.ticket_id.in_(wanted), ev.action.in_(_TRAIL_ACTIONS), ev.at < until)
            .order_by(ev.ticket_id, ev.at, ev.id)
        )
        grouped: dict[int, tuple[datetime, list[TrailEvent]]] = {}
        for ticket_id, at, action, changes, created_at in self.session.execute(query):
            entry = grouped.setdefault(int(ticket_id), (created_at, []))
            entry[1].append(trail_event(at, action, dict(changes or {})))
        trails = []
        for ticket_id, (created_at, events) in grouped.items():
            opened = next((e for e in events if e.action == "ticket.opened"), None)
            trails.append(
                TicketTrail(
                    ticket_id=ticket_id,
                    opened_at=created_at,
                    opened_tier=opened.to_tier or 0 if opened is not None else 0,
                    events=tuple(e for e in events if e.action != "ticket.opened"),
                )
            )
        return trails

    def active_tickets(self, since: datetime, until: datetime, product_id: int | None) -> int:
        tk, ev = tables.tickets.c, tables.audit_events.c
        query = select(func.count(func.distinct(ev.ticket_id))).where(
            ev.ticket_id.is_not(None), ev.at >= since, ev.at < until
        )
        if product_id is not None:
            query = query.join(tables.tickets, tk.id == ev.ticket_id).where(
                tk.product_id == product_id
            )
        return int(self.session.scalar(query) or 0)

    def first_event_at(self, product_id: int | None) -> datetime | None:
        tk, ev = tables.tickets.c, tables.audit_events.c
        query = select(func.min(ev.at)).where(ev.ticket_id.is_not(None))
        if product_id is not None:
            query = query.join(tables.tickets, tk.id == ev.ticket_id).where(
                tk.product_id == product_id
            )
        first: datetime | None = self.session.scalar(query)
        return first

    def clock_verdicts(
        self, since: datetime, until: datetime, product_id: int | None
    ) -> list[ClockVerdict]:
        d, tk = ticket_deadlines.c, tables.tickets.c
        breached = d.breached_at.is_not(None)
        in_period: ColumnElement[bool] = or_(
            (d.breached_at >= since) & (d.breached_at < until),
            d.breached_at.is_(None) & (d.met_at >= since) & (d.met_at < until),
        )
        query = select(d.kind, d.tier, d.met_at, d.breached_at, breached).where(in_period)
        if product_id is not None:
            query = query.join(tables.tickets, tk.id == d.ticket_id).where(
                tk.product_id == product_id
            )
        verdicts = []
        for kind, tier, met_at, breached_at, _ in self.session.execute(query):
            verdicts.append(
                ClockVerdict(
                    tier=int(tier) if tier is not None else None,
                    customer_facing=kind in CUSTOMER_CLOCKS,
                    decided_at=breached_at or met_at,
                    breached=breached_at is not None,
                )
            )
        return verdicts

    def outcomes(
        self, since: datetime, until: datetime, product_id: int | None
    ) -> list[tuple[datetime, str]]:
        c = l3_outcomes.c
        query = select(c.decided_at, c.outcome).where(c.decided_at >= since, c.decided_at < until)
        if product_id is not None:
            query = query.where(c.product_id == product_id)
        return [(at, str(outcome)) for at, outcome in self.session.execute(query)]
