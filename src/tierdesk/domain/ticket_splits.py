"""Splitting a ticket: one of its messages becomes a ticket of its own (a caller who raised a
second problem in the same thread), linked to the original. A function of the ticket, like
``ticket_levels.py``; it records on both tickets' trails."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tierdesk.domain.messages import Message, require_text
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError


def split_off(source: Ticket, message_id: int, subject: str, by: Actor, at: datetime) -> Ticket:
    """A new ticket for the same requester, opened with a copy of message ``message_id`` (the
    original stays where it was, so the first thread still reads whole). It starts as any new
    ticket does (level L0, no queue: routing places it) with the source's type, priority and
    product. The caller stores it, then calls ``record_split`` once both have ids."""
    source._require_active("split")
    message = next((m for m in source.messages if m.id == message_id), None)
    if message is None:
        raise InvalidInputError(f"{source.number} has no message {message_id}", field="message_id")
    subject = require_text(subject, "subject", max_length=500)
    copy = Message(
        kind=message.kind,
        author_kind=message.author_kind,
        author_id=message.author_id,
        author_name=message.author_name,
        body_text=message.body_text,
        created_at=message.created_at,
        channel=message.channel,
        body_html=message.body_html,
        # The same stored files: attachments are immutable, read by their storage key.
        attachments=[replace(a, id=None, message_id=None) for a in message.attachments],
    )
    new = Ticket(
        subject=subject,
        requester_id=source.requester_id,
        organisation_id=source.organisation_id,
        created_at=at,
        updated_at=at,
        channel=source.channel,
        type=source.type,
        priority=source.priority,
        product_id=source.product_id,
        component_id=source.component_id,
        version_id=source.version_id,
        language=source.language,
        tags=list(source.tags),
        messages=[copy],
    )
    new.record_opened(by)
    return new


def record_split(
    source: Ticket, new: Ticket, message_id: int, new_number: str, by: Actor, at: datetime
) -> None:
    """Both trails say what happened: the source which message went to which ticket, the new
    ticket where it came from."""
    source._record(
        "ticket.split",
        by,
        at,
        changes={"message": message_id, "new_ticket": new_number},
        public=True,
    )
    new._record(
        "ticket.split_from", by, at, changes={"source": source.number, "message": message_id}
    )
