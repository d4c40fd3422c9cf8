"""Use cases on tickets: open, read, list, update, assign, status, priority, levels, links."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from tierdesk.domain import ticket_levels
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.catalog import Product
from tierdesk.domain.messages import Channel, Message, MessageKind
from tierdesk.domain.people import Actor, Agent, Contact, Tier
from tierdesk.domain.public_answer import draft_public_answer
from tierdesk.domain.tickets import (
    LinkKind,
    Priority,
    Status,
    Ticket,
    TicketLink,
    TicketType,
    normalise_tags,
    refuse_null_fields,
)
from tierdesk.domain.visibility import may_read_internal
from tierdesk.errors import InvalidInputError, NotFoundError
from tierdesk.ports import TicketFilter, TicketKeyset, TicketSort, UnitOfWork
from tierdesk.services import reference_data
from tierdesk.services.access import (
    access_ticket,
    access_ticket_page,
    access_tickets_linking_to,
    count_visible_tickets,
    require_agent,
    visible_links,
)
from tierdesk.services.conversation import NewAttachment, build_message
from tierdesk.services.desk import Desk
from tierdesk.services.idempotency import claim_key
from tierdesk.services.languages import new_ticket_language
from tierdesk.services.routing import place_in_queue, queue_for_placing
from tierdesk.services.ticket_people import apply_people_changes


@dataclass(frozen=True)
class CatalogRef:
    """Product, component and version named by the caller (key or name), resolved to ids."""

    product: str | None = None
    component: str | None = None
    version: str | None = None


@dataclass
class NewTicket:
    subject: str
    body_text: str | None = None
    body_html: str | None = None
    requester_id: int | None = None  # agents open tickets on behalf of a contact
    channel: Channel = Channel.API
    type: TicketType = TicketType.QUESTION
    priority: Priority = Priority.P3
    catalog: CatalogRef = field(default_factory=CatalogRef)
    queue: str | None = None
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    attachments: list[NewAttachment] = field(default_factory=list)


def resolve_catalog(uow: UnitOfWork, ref: CatalogRef) -> tuple[int | None, int | None, int | None]:
    if ref.product is None:
        if ref.component or ref.version:
            raise InvalidInputError("name the product before its component or version")
        return None, None, None
    product = uow.products.get_by_key(ref.product)
    if product is None:
        raise InvalidInputError(f"unknown product {ref.product!r}", field="product")
    component_id = version_id = None
    if ref.component:
        component = product.component_named(ref.component)
        if component is None:
            raise InvalidInputError(
                f"{product.name} has no component {ref.component!r}", field="component"
            )
        component_id = component.id
    if ref.version:
        version = product.version_named(ref.version)
        if version is None:
            raise InvalidInputError(
                f"{product.name} has no version {ref.version!r}", field="version"
            )
        version_id = version.id
    return product.id, component_id, version_id


def open_ticket(
    desk: Desk, actor: Actor, new: NewTicket, *, idempotency_key: str | None = None
) -> Ticket:
    """Open a ticket; with ``idempotency_key``, a second call with the same key opens none and
    raises ``RepeatedRequestError`` naming the first one's ticket."""
    subject = new.subject.strip()
    if not subject:
        raise InvalidInputError("a ticket needs a subject", field="subject")
    if len(subject) > 500:
        raise InvalidInputError("the subject is longer than 500 characters", field="subject")
    with desk.uow() as uow:
        requester = _requester(uow, actor, new.requester_id)
        assert requester.id is not None
        product_id, component_id, version_id = resolve_catalog(uow, new.catalog)
        if new.queue and isinstance(actor, Agent):
            # Opening into a queue is routing by hand (routing's handler moves the ticket);
            # refused here, the ticket would sit at L0 in a queue it can never reach.
            queue_for_placing(uow, new.queue, Tier.L0, requester.organisation_id, "a new ticket")
        now = desk.clock.now()
        message = None
        if new.body_text or new.body_html:
            message = build_message(
                desk,
                actor,
                MessageKind.CUSTOMER,
                text=new.body_text,
                html=new.body_html,
                channel=new.channel,
                attachments=new.attachments,
                at=now,
                author_name=requester.name,
            )
            message.author_kind, message.author_id = "contact", requester.id
        elif new.attachments:
            raise InvalidInputError("attachments need a message body", field="attachments")
        # Settled before the commit runs the ticket.opened handlers: routing by language, the
        # acknowledgement and rules read it. And before the ticket is added: on SQLite the one
        # writer is taken at the first write, so what only reads (the identifier) stays out of
        # the short transaction every new ticket queues for.
        first = message.body_text if message else None
        language = new_ticket_language(uow, desk, requester, new.language, first, now)
        ticket = Ticket(
            subject=subject,
            requester_id=requester.id,
            organisation_id=requester.organisation_id,
            created_at=now,
            updated_at=now,
            channel=new.channel,
            type=new.type,
            priority=new.priority,
            product_id=product_id,
            component_id=component_id,
            version_id=version_id,
            queue=new.queue,
            language=language,
            tags=normalise_tags(new.tags),
            custom_fields=dict(new.custom_fields),
        )
        ticket.record_opened(actor)
        uow.tickets.add(ticket)
        if idempotency_key is not None:
            uow.flush()  # the key is stored with the ticket's id
            claim_key(uow, actor, idempotency_key, ticket, now)
        if message is not None:
            ticket.add_message(message, actor)
        uow.commit()
        return ticket


def _requester(uow: UnitOfWork, actor: Actor, requester_id: int | None) -> Contact:
    if isinstance(actor, Contact):
        if requester_id not in (None, actor.id):
            raise InvalidInputError("customers open tickets for themselves", field="requester_id")
        return actor
    if requester_id is None:
        raise InvalidInputError("name the requesting contact (requester_id)", field="requester_id")
    contact = uow.contacts.get(requester_id)
    if contact is None or not contact.active:
        raise InvalidInputError(f"no active contact {requester_id}", field="requester_id")
    return contact


def get_ticket(desk: Desk, actor: Actor, reference: int | str) -> Ticket:
    with desk.uow() as uow:
        return access_ticket(uow, actor, reference, desk.ticket_prefix)


def visible_thread(actor: Actor, ticket: Ticket) -> list[Message]:
    if may_read_internal(actor):
        return list(ticket.messages)
    return [m for m in ticket.messages if m.is_public]


@dataclass(frozen=True)
class TicketPage:
    tickets: list[Ticket]
    next_before_id: int | None
    total: int


def list_tickets(
    desk: Desk,
    actor: Actor,
    filters: TicketFilter,
    limit: int,
    before_id: int | None = None,
    *,
    thread: bool = True,
    sort: TicketSort | None = None,
    after: TicketKeyset | None = None,
) -> TicketPage:
    """A page of the tickets the actor may see: newest id first below ``before_id``, or in
    ``sort`` order after ``after``. ``thread=False``: the tickets without their messages (a list
    that shows none need not load every message of every ticket; reading them then raises)."""
    with desk.uow() as uow:
        return page_in(uow, actor, filters, limit, before_id, thread=thread, sort=sort, after=after)


def page_in(
    uow: UnitOfWork,
    actor: Actor,
    filters: TicketFilter,
    limit: int,
    before_id: int | None = None,
    *,
    thread: bool = True,
    sort: TicketSort | None = None,
    after: TicketKeyset | None = None,
) -> TicketPage:
    """``list_tickets``, read in the caller's transaction."""
    if limit < 1:
        raise InvalidInputError("limit must be at least 1", field="limit")
    rows = access_ticket_page(
        uow, actor, filters, limit + 1, before_id, thread, sort=sort, after=after
    )
    total = count_visible_tickets(uow, actor, filters)
    page, more = rows[:limit], len(rows) > limit
    return TicketPage(page, page[-1].id if more and page else None, total)


def ticket_events(desk: Desk, actor: Actor, reference: int | str) -> list[AuditEvent]:
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        internal = may_read_internal(actor)
        events = uow.audit.for_ticket(ticket.id, public_only=not internal)
    if internal:
        return events
    # A customer sees that something happened, not the reason an agent typed for colleagues;
    # their own reasons (a reopen) they keep seeing. Nor how it was solved: the resolution is
    # written for engineers (domain/visibility.py, visible_resolution).
    return [_for_customers(e) for e in events]


def _for_customers(event: AuditEvent) -> AuditEvent:
    changes = {k: v for k, v in event.changes.items() if k != "resolution"}
    reason = event.reason if event.actor_kind == "contact" else None
    return replace(event, reason=reason, changes=changes)


def update_ticket(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    *,
    catalog: CatalogRef | None = None,
    **values: Any,
) -> Ticket:
    """Change descriptive fields; ``values`` may hold subject, type, queue, tags, custom_fields,
    language. A catalogue reference replaces product, component and version together."""
    return apply_changes(desk, actor, reference, TicketChanges(fields=values, catalog=catalog))


def assign_ticket(
    desk: Desk, actor: Actor, reference: int | str, assignee_id: int | None
) -> Ticket:
    require_agent(actor, "assign tickets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        agent = None
        if assignee_id is not None:
            agent = uow.agents.get(assignee_id)
            if agent is None:
                raise NotFoundError(f"agent {assignee_id} not found", agent=assignee_id)
        ticket.assign(agent, actor, desk.clock.now())
        uow.commit()
        return ticket


def change_status(
    desk: Desk, actor: Actor, reference: int | str, status: Status, reason: str | None = None
) -> Ticket:
    require_agent(actor, "change a ticket's status")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        ticket.change_status(status, actor, desk.clock.now(), reason)
        uow.commit()
        return ticket


def change_priority(
    desk: Desk, actor: Actor, reference: int | str, priority: Priority, reason: str | None = None
) -> Ticket:
    require_agent(actor, "change a ticket's priority")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        ticket.change_priority(priority, actor, desk.clock.now(), reason)
        uow.commit()
        return ticket


def solve_ticket(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    resolution: str,
    public_answer: str | None = None,
    *,
    idempotency_key: str | None = None,
) -> Ticket:
    """``resolution`` for colleagues, ``public_answer`` for the customer; no answer given
    (None) takes the draft from the public thread, a blank one tells the customer nothing."""
    require_agent(actor, "solve tickets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        claim_key(uow, actor, idempotency_key, ticket, desk.clock.now())
        if public_answer is None:
            public_answer = draft_public_answer(ticket.messages)
        ticket.solve(resolution, actor, desk.clock.now(), public_answer)
        uow.commit()
        return ticket


def close_ticket(desk: Desk, actor: Actor, reference: int | str, reason: str | None) -> Ticket:
    require_agent(actor, "close tickets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        ticket.close(actor, desk.clock.now(), reason)
        uow.commit()
        return ticket


def reopen_ticket(desk: Desk, actor: Actor, reference: int | str, reason: str) -> Ticket:
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        ticket.reopen(actor, desk.clock.now(), reason)
        uow.commit()
        return ticket


def de_escalate_ticket(
    desk: Desk, actor: Actor, reference: int | str, to: Tier, reason: str, guidance: str
) -> Ticket:
    """Hand a ticket back down with guidance (escalations waiting for acceptance are bounced
    through services.escalation instead, which also closes their packet)."""
    require_agent(actor, "de-escalate tickets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        ticket_levels.de_escalate(ticket, to, reason, guidance, actor, desk.clock.now())
        uow.commit()
        return ticket


def link_tickets(
    desk: Desk, actor: Actor, reference: int | str, target_reference: int | str, kind: LinkKind
) -> Ticket:
    require_agent(actor, "link tickets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        target = access_ticket(uow, actor, target_reference, desk.ticket_prefix)
        ticket.link_to(target, kind, actor, desk.clock.now())
        uow.commit()
        return ticket


def merge_tickets(
    desk: Desk, actor: Actor, reference: int | str, into_reference: int | str, reason: str | None
) -> Ticket:
    """Merge ``reference`` into ``into_reference``; returns the surviving ticket."""
    require_agent(actor, "merge tickets")
    with desk.uow() as uow:
        source = access_ticket(uow, actor, reference, desk.ticket_prefix)
        target = access_ticket(uow, actor, into_reference, desk.ticket_prefix)
        source.merge_into(target, actor, desk.clock.now(), reason)
        uow.commit()
        return target


def related_tickets(desk: Desk, actor: Actor, reference: int | str) -> list[Ticket]:
    """Tickets linking to this one that the actor may also see."""
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        return access_tickets_linking_to(uow, actor, ticket)


def shown_links(desk: Desk, actor: Actor, shown: list[Ticket]) -> dict[int, list[TicketLink]]:
    """Each ticket's links as this actor may see them (``access.visible_links``)."""
    with desk.uow() as uow:
        return visible_links(uow, actor, shown)


def list_products(desk: Desk) -> list[Product]:
    """The catalogue, as this process keeps it while it is current (shared: only read it)."""
    with desk.uow() as uow:
        return reference_data.products(desk.reference, uow)


def products_by_id(desk: Desk) -> dict[int, Product]:
    """The catalogue by product id, as this process keeps it (shared: only read it)."""
    with desk.uow() as uow:
        return reference_data.products_by_id(desk.reference, uow)


@dataclass
class TicketChanges:
    """Several changes to one ticket, applied together or not at all (the API's PATCH)."""

    fields: dict[str, Any] = field(default_factory=dict)
    catalog: CatalogRef | None = None
    priority: Priority | None = None
    status: Status | None = None
    assignee_id: int | None = None
    unassign: bool = False
    reason: str | None = None
    requester_id: int | None = None
    followers: list[int] | None = None  # the whole list; None leaves it as it is
    ccs: list[str] | None = None  # the whole list of copied addresses; None leaves it


def apply_changes(desk: Desk, actor: Actor, reference: int | str, changes: TicketChanges) -> Ticket:
    require_agent(actor, "edit tickets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        now = desk.clock.now()
        values = dict(changes.fields)
        refuse_null_fields(values)  # before the cleaning below reads them
        queue = values.pop("queue", None)
        if "queue" in changes.fields and not queue:
            values["queue"] = None  # out of any queue, at the same level
        if "tags" in values:
            values["tags"] = normalise_tags(values["tags"])
        if "subject" in values:
            values["subject"] = str(values["subject"]).strip()
            if not values["subject"]:
                raise InvalidInputError("a ticket needs a subject", field="subject")
        if changes.catalog is not None:
            ids = resolve_catalog(uow, changes.catalog)
            values.update(product_id=ids[0], component_id=ids[1], version_id=ids[2])
        if values:
            ticket.update_fields(actor, now, **values)
        if queue and str(queue).strip().lower() != ticket.queue:
            place_in_queue(uow, ticket, str(queue), f"moved to {queue} by {actor.name}", actor, now)
        if changes.priority is not None and changes.priority is not ticket.priority:
            ticket.change_priority(changes.priority, actor, now, changes.reason)
        wanted_assignee = None if changes.unassign else changes.assignee_id
        asked = changes.unassign or changes.assignee_id is not None
        if asked and wanted_assignee != ticket.assignee_id:  # like priority and status: no-op
            agent = None
            if changes.assignee_id is not None and not changes.unassign:
                agent = uow.agents.get(changes.assignee_id)
                if agent is None:
                    raise InvalidInputError(f"no agent {changes.assignee_id}", field="assignee_id")
            ticket.assign(agent, actor, now)
        apply_people_changes(
            uow,
            actor,
            ticket,
            now,
            requester_id=changes.requester_id,
            followers=changes.followers,
            ccs=changes.ccs,
        )
        if changes.status is not None and changes.status is not ticket.status:
            ticket.change_status(changes.status, actor, now, changes.reason)
        uow.commit()
        return ticket
