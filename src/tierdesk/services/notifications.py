"""In-desk notifications: written by other use cases (the SLA sweep) inside their transaction,
read and acknowledged by the agent they are for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.notifications import Notification
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import can_see
from tierdesk.errors import InvalidInputError, PermissionDeniedError
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk


def leads(uow: UnitOfWork) -> list[Agent]:
    return [a for a in uow.agents.all() if a.active and a.is_lead]


def notify_agents(
    uow: UnitOfWork,
    agent_ids: Iterable[int | None],
    *,
    kind: str,
    text: str,
    at: datetime,
    ticket_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> list[Notification]:
    """One notification per distinct agent (``None`` entries, e.g. no assignee, are skipped).
    Does not commit: the caller's transaction decides."""
    notes = []
    for agent_id in dict.fromkeys(a for a in agent_ids if a is not None):
        note = Notification(
            agent_id=agent_id,
            kind=kind,
            text=text,
            created_at=at,
            ticket_id=ticket_id,
            details=dict(details or {}),
        )
        uow.notifications.add(note)
        notes.append(note)
    return notes


def _agent(actor: Actor) -> Agent:
    if not isinstance(actor, Agent) or actor.id is None:
        raise PermissionDeniedError("notifications are for agents", action="read notifications")
    return actor


def list_notifications(
    desk: Desk, actor: Actor, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    agent = _agent(actor)
    if not 1 <= limit <= 500:
        raise InvalidInputError("limit must be between 1 and 500", field="limit")
    assert agent.id is not None
    with desk.uow() as uow:
        return uow.notifications.for_agent(agent.id, unread_only=unread_only, limit=limit)


def unread_count(desk: Desk, actor: Actor) -> int:
    agent = _agent(actor)
    assert agent.id is not None
    with desk.uow() as uow:
        return uow.notifications.unread_count(agent.id)


def mark_notifications_read(desk: Desk, actor: Actor, ids: Sequence[int] | None) -> int:
    """Mark the agent's own notifications read (all of them when ``ids`` is None)."""
    agent = _agent(actor)
    assert agent.id is not None
    with desk.uow() as uow:
        count = uow.notifications.mark_read(agent.id, ids, desk.clock.now())
        uow.commit()
    return count


ESCALATION_RECEIVED = "escalation.received"


def notify_escalation_received(
    uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent
) -> None:
    """Event handler (``ticket.escalated``, after routing has placed the ticket in the new
    level's queue): everyone who works that level or queue hears that a ticket arrived."""
    by_agent = event.actor_id if event.actor_kind == "agent" else None
    receivers = [
        a.id
        for a in uow.agents.all()
        if a.active
        and a.id != by_agent
        and (a.works_tier(ticket.tier) or (ticket.queue is not None and ticket.queue in a.queues))
        and can_see(a, ticket)
    ]
    notify_agents(
        uow,
        receivers,
        kind=ESCALATION_RECEIVED,
        text=f"{ticket.number} escalated to {ticket.tier.label}"
        + (f" ({ticket.queue})" if ticket.queue else "")
        + f" by {event.actor_name or event.actor_kind}: {ticket.subject}",
        at=event.at,
        ticket_id=ticket.id,
        details={"number": ticket.number, "reason": event.reason or ""},
    )
