"""Messages on a ticket: customer messages, public replies, internal notes, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.messages import (
    Attachment,
    Channel,
    Message,
    MessageKind,
    check_attachment_size,
    clean_filename,
    require_text,
)
from tierdesk.domain.people import Actor, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError
from tierdesk.services.access import access_ticket
from tierdesk.services.desk import Desk
from tierdesk.services.idempotency import claim_key
from tierdesk.services.mentions import notify_mentions


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    data: bytes
    declared_type: str | None = None
    restricted: bool = False  # customer-system diagnostics only some levels may read


def build_message(
    desk: Desk,
    actor: Actor,
    kind: MessageKind,
    *,
    text: str | None,
    html: str | None,
    channel: Channel,
    attachments: list[NewAttachment],
    at: datetime,
    author_name: str | None = None,
) -> Message:
    """A message with sanitised HTML, plain text (derived from the HTML when not given) and its
    attachments stored. Nothing is written to the database here."""
    safe_html = desk.sanitise_html(html) if html else None
    plain = require_text(_plain(desk, text, safe_html), "body")
    for item in attachments:  # check them all before storing any, so a refusal stores nothing
        check_attachment_size(len(item.data), desk.max_attachment_bytes)
    stored = []
    for item in attachments:
        saved = desk.files.put(item.data, item.declared_type, item.filename)
        stored.append(
            Attachment(
                filename=clean_filename(item.filename),
                content_type=saved.content_type,
                size=saved.size,
                sha256=saved.sha256,
                storage_key=saved.storage_key,
                created_at=at,
                restricted=item.restricted,
            )
        )
    return Message(
        kind=kind,
        author_kind=str(actor.kind),
        author_id=actor.id,
        author_name=author_name or actor.name,
        body_text=plain,
        body_html=safe_html,
        created_at=at,
        channel=channel,
        attachments=stored,
    )


def _plain(desk: Desk, text: str | None, safe_html: str | None) -> str:
    return text if text and text.strip() else (desk.html_to_text(safe_html) if safe_html else "")


def message_text(desk: Desk, text: str | None, html: str | None) -> str:
    """The plain text a message sent with ``text`` or ``html`` is stored with (stripped)."""
    return _plain(desk, text, desk.sanitise_html(html) if html else None).strip()


def add_message(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    kind: MessageKind,
    *,
    text: str | None = None,
    html: str | None = None,
    channel: Channel = Channel.API,
    attachments: list[NewAttachment] | None = None,
    idempotency_key: str | None = None,
) -> tuple[Ticket, Message]:
    """Add a message; with ``idempotency_key``, a second call with the same key adds nothing
    and raises ``RepeatedRequestError`` (services/idempotency.py)."""
    if isinstance(actor, Contact) and kind is not MessageKind.CUSTOMER:
        raise InvalidInputError(
            "customers write customer messages; replies and notes are for agents", field="kind"
        )
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        uow.hold(ticket)  # people writing to one ticket at once take turns (ports.UnitOfWork)
        ticket.require_open_for_messages()
        now = desk.clock.now()
        claim_key(uow, actor, idempotency_key, ticket, now)
        message = build_message(
            desk,
            actor,
            kind,
            text=text,
            html=html,
            channel=channel,
            attachments=attachments or [],
            at=now,
        )
        if kind is MessageKind.CUSTOMER and not isinstance(actor, Contact):
            # An agent logging what the customer said (a phone call): it is the customer's words.
            requester = uow.contacts.get(ticket.requester_id)
            if requester is not None:
                message.author_kind, message.author_id = "contact", requester.id
                message.author_name = requester.name
        ticket.add_message(message, actor)
        notify_mentions(uow, ticket, message, actor, now)
        uow.commit()
        return ticket, message
