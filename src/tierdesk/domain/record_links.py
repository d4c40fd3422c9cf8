"""Links between tickets and the records levels 3 and 4 keep: known issues, defects, incidents
and enhancement requests, and the KB articles that helped a ticket. One link row per (record,
ticket); the link is written on the ticket's own audit trail too, so it shows from both sides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidTransitionError


class RecordKind(StrEnum):
    KNOWN_ISSUE = "known-issue"
    DEFECT = "defect"
    INCIDENT = "incident"
    ENHANCEMENT = "enhancement"
    ARTICLE = "article"  # a KB article that helped the ticket (domain/articles.py)

    @property
    def prefix(self) -> str:
        """Human reference prefix: KI-3, DEF-12, INC-4, ENH-7."""
        return _PREFIXES[self]


_PREFIXES = {
    RecordKind.KNOWN_ISSUE: "KI",
    RecordKind.DEFECT: "DEF",
    RecordKind.INCIDENT: "INC",
    RecordKind.ENHANCEMENT: "ENH",
    RecordKind.ARTICLE: "KB",
}


def record_reference(kind: RecordKind, record_id: int | None) -> str:
    return f"{kind.prefix}-{record_id}"


@dataclass(eq=False)
class RecordLink:
    record_kind: RecordKind
    record_id: int
    ticket_id: int
    organisation_id: int
    created_at: datetime
    created_by: str
    id: int | None = None


def link_ticket(
    kind: RecordKind,
    record_id: int,
    title: str,
    ticket: Ticket,
    existing: list[RecordLink],
    by: Actor,
    at: datetime,
) -> RecordLink:
    """A new link, recorded on the ticket's trail. Linking twice is refused."""
    if ticket.id is None:
        raise InvalidTransitionError("the ticket must be stored before it is linked")
    reference = record_reference(kind, record_id)
    if any(link.ticket_id == ticket.id for link in existing):
        raise InvalidTransitionError(
            f"ticket {ticket.number} is already linked to {reference}",
            ticket=ticket.number,
            record=reference,
        )
    record_on_ticket(
        ticket, f"{kind}.linked", by, at, changes={"record": reference, "title": title}
    )
    return RecordLink(
        record_kind=kind,
        record_id=record_id,
        ticket_id=ticket.id,
        organisation_id=ticket.organisation_id,
        created_at=at,
        created_by=by.name,
    )


def record_on_ticket(
    ticket: Ticket,
    action: str,
    by: Actor,
    at: datetime,
    *,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Put a workflow fact on the ticket's audit trail (internal: customers see the messages
    they are sent, not the bookkeeping)."""
    ticket.updated_at = at
    ticket.pending_events.append(
        audit_event("ticket", action, by, at, changes=changes, reason=reason)
    )
