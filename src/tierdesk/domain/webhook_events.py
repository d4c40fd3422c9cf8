"""What a webhook delivery says about an event (docs/webhooks.md documents the shape).

Built from the ticket as the event left it and the event's own facts, through allow-lists: a
ticket's public fields, the names and before/after values of plain fields, a public message's
text. Never an internal note's text, a resolution, custom fields (they may hold restricted
diagnostics), the handoff note or anything secret: webhooks are admin-owned, but the receiver
is another system.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.webhooks import EventKind

# Fields whose before/after values a ticket.updated event carries; others are named only.
_PLAIN_FIELDS = frozenset(
    {"status", "priority", "type", "tier", "queue", "assignee_id", "subject", "tags", "language"}
    | {"product_id", "component_id", "version_id", "organisation_id"}
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": str(ticket.status),
        "priority": str(ticket.priority),
        "type": str(ticket.type),
        "level": int(ticket.tier),
        "queue": ticket.queue,
        "channel": str(ticket.channel),
        "language": ticket.language,
        "tags": list(ticket.tags),
        "requester_id": ticket.requester_id,
        "organisation_id": ticket.organisation_id,
        "assignee_id": ticket.assignee_id,
        "product_id": ticket.product_id,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "solved_at": _iso(ticket.solved_at),
    }


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | list) or value is None else None


def _field_changes(event: AuditEvent) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, value in event.changes.items():
        if name in _PLAIN_FIELDS and isinstance(value, list) and len(value) == 2:
            changes[name] = {"from": _plain(value[0]), "to": _plain(value[1])}
    return changes


def _message(ticket: Ticket, event: AuditEvent) -> dict[str, Any]:
    """The message the event added: the newest of its kind written at the event's moment."""
    kind = event.changes.get("kind")
    found: Message | None = next(
        (m for m in reversed(ticket.messages) if str(m.kind) == kind and m.created_at == event.at),
        None,
    )
    data: dict[str, Any] = {"kind": kind, "public": kind != str(MessageKind.INTERNAL_NOTE)}
    if found is not None:
        data |= {
            "id": found.id,
            "author_kind": found.author_kind,
            "author_name": found.author_name,
            "channel": str(found.channel),
            "created_at": _iso(found.created_at),
            "attachments": len(found.attachments),
        }
        if found.is_public:  # an internal note's text never leaves the desk
            data["text"] = found.body_text
    return data


def ticket_event_data(kind: EventKind, ticket: Ticket, event: AuditEvent) -> dict[str, Any]:
    """The ``ticket`` and the event's own part for a ticket's event of ``kind``."""
    data: dict[str, Any] = {
        "ticket": ticket_data(ticket),
        "actor": {"kind": event.actor_kind, "id": event.actor_id, "name": event.actor_name},
    }
    if kind in (EventKind.TICKET_UPDATED, EventKind.TICKET_SOLVED):
        data["changes"] = _field_changes(event)
    elif kind is EventKind.TICKET_ESCALATED:
        before, after = event.changes.get("tier", [None, None])
        data["escalation"] = {
            "from_level": before,
            "to_level": after,
            "direction": "up" if event.action == "ticket.escalated" else "down",
        }
    elif kind is EventKind.MESSAGE_ADDED:
        data["message"] = _message(ticket, event)
    elif kind is EventKind.SLA_BREACHED:
        data["sla"] = {
            "clock": event.changes.get("clock"),
            "due_at": event.changes.get("due_at"),
            "target_minutes": event.changes.get("target_minutes"),
            "level": event.changes.get("tier"),
        }
    return data


def incident_event_data(event: AuditEvent) -> dict[str, Any]:
    """An incident's update or resolution: which incident, its status, how many tickets heard."""
    resolved = event.action == "incident.resolved"
    return {
        "incident": {
            "id": event.subject_id,
            "reference": event.changes.get("record"),
            "status": "resolved" if resolved else event.changes.get("status"),
            "tickets_notified": event.changes.get("tickets_notified"),
        },
        "actor": {"kind": event.actor_kind, "id": event.actor_id, "name": event.actor_name},
    }


def ping_data(webhook_id: int) -> dict[str, Any]:
    return {"webhook_id": webhook_id, "message": "A test delivery from tierdesk."}
