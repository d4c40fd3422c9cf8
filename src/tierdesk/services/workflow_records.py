"""What the services of known issues, defects, incidents and enhancements share: who may
manage them, the audit of record changes, public notices on tickets, linked-ticket reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.messages import Channel, Message, MessageKind
from tierdesk.domain.people import Actor, Agent, Tier
from tierdesk.domain.record_links import RecordKind, RecordLink, link_ticket, record_reference
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.domain.visibility import can_see
from tierdesk.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, require_agent
from tierdesk.services.conversation import build_message
from tierdesk.services.desk import Desk


def require_level(actor: Actor, lowest: Tier, action: str) -> None:
    """Agents working ``lowest`` or a higher level (and leads, admins, the desk) may."""
    agent = require_agent(actor, action)
    if not isinstance(agent, Agent) or agent.is_lead:
        return
    top = agent.highest_tier
    if top is None or top < lowest:
        raise PermissionDeniedError(
            f"only {lowest.label} and above (or leads) can {action}", action=action
        )


def audit_record(
    uow: UnitOfWork,
    kind: RecordKind,
    record_id: int | None,
    action: str,
    actor: Actor,
    at: datetime,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """A change to the record itself, on the audit trail under its kind and id."""
    uow.audit.add(
        audit_event(
            str(kind),
            f"{kind}.{action}",
            actor,
            at,
            subject_id=record_id,
            changes={"record": record_reference(kind, record_id), **(changes or {})},
            reason=reason,
        )
    )


def product_id_for(uow: UnitOfWork, product: str | None) -> int | None:
    if product is None or not product.strip():
        return None
    found = uow.products.get_by_key(product.strip())
    if found is None:
        raise InvalidInputError(f"unknown product {product!r}", field="product")
    return found.id


def customer_version(uow: UnitOfWork, ticket: Ticket) -> str | None:
    """The version the customer runs: the ticket's catalogue version, else an
    ``installed_version`` custom field (what mail intake or the portal recorded)."""
    if ticket.product_id is not None and ticket.version_id is not None:
        product = uow.products.get(ticket.product_id)
        if product is not None:
            for version in product.versions:
                if version.id == ticket.version_id:
                    return version.name
    installed = ticket.custom_fields.get("installed_version")
    return str(installed) if installed else None


def post_public_notice(
    desk: Desk,
    uow: UnitOfWork,
    actor: Actor,
    ticket: Ticket,
    text: str,
    at: datetime,
    *,
    channel: Channel = Channel.API,
) -> Message | None:
    """One public reply on ``ticket`` (mailed to the customer by the outbox handler). Closed
    tickets are final and get nothing. ``channel`` is where the sender acted (the workspace
    says web, the CLI cli), not how the ticket came in."""
    if ticket.status is Status.CLOSED:
        return None
    message = build_message(
        desk,
        actor,
        MessageKind.PUBLIC_REPLY,
        text=text,
        html=None,
        channel=channel,
        attachments=[],
        at=at,
    )
    ticket.add_message(message, actor)
    return message


def link_to_record(
    uow: UnitOfWork,
    desk: Desk,
    actor: Actor,
    kind: RecordKind,
    record_id: int,
    title: str,
    reference: int | str,
    at: datetime,
    existing: list[RecordLink] | None = None,
) -> tuple[Ticket, RecordLink]:
    """Link one ticket (through the one door) to a record; audited on the ticket. Linking
    many at once passes the record's ``existing`` links, kept up to date here, instead of
    reading them again for every ticket."""
    ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
    if existing is None:
        existing = uow.workflow.links(kind, record_id)
    link = link_ticket(kind, record_id, title, ticket, existing, actor, at)
    uow.workflow.add(link)
    existing.append(link)
    return ticket, link


def linked_tickets(uow: UnitOfWork, actor: Actor, kind: RecordKind, record_id: int) -> list[Ticket]:
    """The record's tickets that ``actor`` may see, in link order."""
    found = []
    for link in uow.workflow.links(kind, record_id):
        ticket = uow.tickets.get(link.ticket_id)
        if ticket is not None and can_see(actor, ticket):
            found.append(ticket)
    return found


def not_found(kind: RecordKind, record_id: int) -> NotFoundError:
    reference = record_reference(kind, record_id)
    return NotFoundError(f"{reference} not found", record=reference)
