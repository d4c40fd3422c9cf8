"""Hardware replacements (issue 21 item 4): RMAs requested on a ticket for the installed units
of its organisation, signed off, shipped, received and closed.

Who may do what: an RMA belongs to its ticket, so every read and write goes through the
ticket's door (``access_ticket``): an agent who may not open the ticket does not see its RMAs
("not found"). Any agent who may open the ticket requests one, ships, receives and closes it;
the sign-off is the domain's (``Rma.approve``: L2+ engineer, nobody their own request, and a
lead as a third person above ``rma.lead_approval_above``); rejecting takes someone who may
sign. Customer contacts never see the RMA object: they read the public notices on their
ticket (mailed through the outbox, in their language), which say all they need.

The installed base changes when the replacement ships (``installed_base.record_replacement``):
from then on the customer quotes the new serial (it is on the box and the delivery note), and
a ticket quoting it must find the unit. Each step is on the ticket's trail (internal events
``rma.*``) and, but for the engineer's first of two signatures, is told to the customer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.catalog import Product
from tierdesk.domain.customer_texts import customer_text
from tierdesk.domain.installed_base import InstalledItem, Site
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Actor, Agent, Contact
from tierdesk.domain.rmas import Rma, RmaKind, RmaState, may_sign_as_engineer, parse_money
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import (
    ConflictError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, access_tickets, visible_ticket_ids
from tierdesk.services.desk import Desk
from tierdesk.services.idempotency import claim_key
from tierdesk.services.installed_base import record_replacement
from tierdesk.services.languages import language_for_customer
from tierdesk.services.linked_records import post_public_notice


@dataclass
class RmaRequest:
    item_ids: list[int]
    fault: str
    kind: RmaKind
    declared_value: str | None = None  # a decimal amount in the desk's currency
    ship_to: str | None = None  # None: each item's site address


@dataclass
class TicketRmas:
    """What the ticket page's panel and ``/tickets/{ref}/rmas`` show."""

    ticket: Ticket
    rmas: list[Rma]
    items: dict[int, InstalledItem]  # every item of the organisation, by id
    sites: dict[int, Site]
    products: dict[int, Product]
    # The organisation's open RMAs by unit, this ticket's and others': a unit with one is not
    # offered (a request for it is refused), and the panel says why.
    open_by_item: dict[int, Rma]
    preselected: set[int] = field(default_factory=set)  # the items the ticket is about

    @property
    def candidates(self) -> list[InstalledItem]:
        """Units an RMA can be requested for: active, with a serial, none open already."""
        return [
            i
            for i in self.items.values()
            if i.active and i.serial_number and i.id not in self.open_by_item
        ]

    @property
    def open_elsewhere(self) -> list[tuple[InstalledItem, Rma]]:
        """Units not offered because another ticket's RMA for them is open."""
        return [
            (self.items[item_id], rma)
            for item_id, rma in self.open_by_item.items()
            if rma.ticket_id != self.ticket.id and item_id in self.items
        ]


def _agent(actor: Actor, action: str) -> Agent:
    """Contacts are told "not found" (the RMA object is the vendor's); the desk itself has no
    name to sign with."""
    if isinstance(actor, Contact):
        raise NotFoundError("RMA not found")
    if not isinstance(actor, Agent):
        raise PermissionDeniedError(f"only agents can {action}", action=action)
    return actor


def _rma(uow: UnitOfWork, desk: Desk, actor: Actor, rma_id: int) -> tuple[Rma, Ticket]:
    """An RMA through its ticket's door: missing and not-yours look the same."""
    rma = uow.rmas.get(rma_id)
    if rma is None:
        raise NotFoundError(f"RMA {rma_id} not found")
    try:
        ticket = access_ticket(uow, actor, rma.ticket_id, desk.ticket_prefix)
    except NotFoundError:
        raise NotFoundError(f"RMA {rma_id} not found") from None
    return rma, ticket


def _trail(
    uow: UnitOfWork,
    actor: Actor,
    ticket: Ticket,
    rma: Rma,
    action: str,
    at: datetime,
    **more: object,
) -> None:
    changes: dict[str, object] = {"rma": rma.reference, "serial": rma.serial_number, **more}
    event = audit_event("ticket", f"rma.{action}", actor, at, subject_id=ticket.id, changes=changes)
    event.ticket_id = ticket.id
    uow.audit.add(event)


def _tell(
    desk: Desk,
    uow: UnitOfWork,
    actor: Actor,
    ticket: Ticket,
    rma: Rma,
    at: datetime,
    channel: Channel,
) -> None:
    """The customer's notice for the RMA's current state, in their language."""
    language = language_for_customer(uow, ticket)
    values = {
        "reference": rma.reference,
        "serial": rma.serial_number,
        "replacement": rma.replacement_serial or rma.serial_number,
        "kind": customer_text(language, f"rma.kind.{rma.kind}"),
        "ship_to": rma.ship_to,
        "reason": rma.reason or "",
        "tracking": rma.tracking_reference or "",
    }
    text = customer_text(language, f"rma.{rma.state}", **values)
    if rma.state is RmaState.SHIPPED and rma.tracking_reference:
        text += "\n\n" + customer_text(language, "rma.tracking", **values)
    post_public_notice(desk, uow, actor, ticket, text, at, channel=channel)


# -- requesting -----------------------------------------------------------------------------


def request_rmas(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    request: RmaRequest,
    *,
    channel: Channel = Channel.API,
    idempotency_key: str | None = None,
) -> list[Rma]:
    """One RMA per installed unit named (of the ticket's organisation), all or none. A key
    that requested them already is refused with ``RepeatedRequestError`` (a double click)."""
    agent = _agent(actor, "request an RMA")
    if not request.item_ids:
        raise InvalidInputError("choose at least one installed item", field="items")
    try:
        kind = RmaKind(request.kind)
    except ValueError:
        raise InvalidInputError("type is advance_replacement or repair", field="kind") from None
    value = parse_money(request.declared_value)
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        assert ticket.id is not None
        now = desk.clock.now()
        # Before the checks: the repeat of a request that went through would meet its own
        # open RMAs and be refused as a conflict, though the first one stands.
        claim_key(uow, agent, idempotency_key, ticket, now)
        if not ticket.status.is_active:
            raise InvalidTransitionError(
                f"ticket {ticket.number} is {ticket.status}; reopen it to request an RMA"
            )
        made = []
        for item_id in dict.fromkeys(request.item_ids):
            item = uow.installed_base.item(item_id)
            if item is None or item.organisation_id != ticket.organisation_id:
                raise InvalidInputError(f"installed item {item_id} not found", field="items")
            _check_item(uow, item)
            ship_to = (request.ship_to or "").strip() or _site_address(uow, item)
            rma = Rma(
                ticket.id,
                ticket.organisation_id,
                item_id,
                kind,
                request.fault,
                item.serial_number or "",
                ship_to,
                desk.rma_policy.currency,
                agent.id or 0,
                now,
                declared_value_minor=value,
                needs_lead=desk.rma_policy.needs_lead(value),
            )
            uow.rmas.add(rma)
            made.append(rma)
        uow.flush()
        for rma in made:
            _trail(uow, agent, ticket, rma, "requested", now, kind=str(rma.kind))
            _tell(desk, uow, agent, ticket, rma, now, channel)
        uow.commit()
        return made


def _check_item(uow: UnitOfWork, item: InstalledItem) -> None:
    label = item.serial_number or f"item {item.id}"
    if not item.active:
        raise InvalidInputError(f"{label} is {item.status}, not in service", field="items")
    if not item.serial_number:
        raise InvalidInputError(
            f"installed item {item.id} has no serial number; record it first", field="items"
        )
    assert item.id is not None
    if uow.rmas.open_for_item(item.id):
        raise ConflictError(f"{label} has an open RMA already", field="items")


def _site_address(uow: UnitOfWork, item: InstalledItem) -> str:
    site = uow.installed_base.site(item.site_id) if item.site_id else None
    if site is None or not site.address:
        raise InvalidInputError(
            f"no address is recorded for the site of {item.serial_number}; enter one",
            field="ship_to",
        )
    return site.address


# -- the way through ------------------------------------------------------------------------


def approve_rma(desk: Desk, actor: Actor, rma_id: int, *, channel: Channel = Channel.API) -> Rma:
    """Sign off: the engineer's signature, or the lead's second one above the value limit."""
    agent = _agent(actor, "approve an RMA")
    with desk.uow() as uow:
        rma, ticket = _rma(uow, desk, agent, rma_id)
        now = desk.clock.now()
        if rma.approve(agent, now):
            _trail(uow, agent, ticket, rma, "approved", now)
            _tell(desk, uow, agent, ticket, rma, now, channel)
        else:
            _trail(uow, agent, ticket, rma, "signed", now, awaiting="lead")
        uow.commit()
        return rma


def reject_rma(
    desk: Desk, actor: Actor, rma_id: int, reason: str, *, channel: Channel = Channel.API
) -> Rma:
    """Refused by someone who could have signed (the reason is sent to the customer)."""
    agent = _agent(actor, "reject an RMA")
    if not may_sign_as_engineer(agent):
        raise PermissionDeniedError(
            "an RMA is rejected by an engineer at L2 or above", action="reject"
        )
    return _move(desk, agent, rma_id, "rejected", lambda r, at: r.reject(reason, at), channel)


def cancel_rma(
    desk: Desk, actor: Actor, rma_id: int, reason: str, *, channel: Channel = Channel.API
) -> Rma:
    """Withdrawn (the customer fixed it after all, the ticket was about something else)."""
    agent = _agent(actor, "cancel an RMA")
    return _move(desk, agent, rma_id, "cancelled", lambda r, at: r.cancel(reason, at), channel)


def receive_rma(desk: Desk, actor: Actor, rma_id: int, *, channel: Channel = Channel.API) -> Rma:
    """The shipped unit reached the customer."""
    agent = _agent(actor, "record an RMA's delivery")
    return _move(desk, agent, rma_id, "received", lambda r, at: r.receive(at), channel)


def close_rma(desk: Desk, actor: Actor, rma_id: int, *, channel: Channel = Channel.API) -> Rma:
    """Nothing left to do (the faulty unit is back, the repair is done)."""
    agent = _agent(actor, "close an RMA")
    return _move(desk, agent, rma_id, "closed", lambda r, at: r.close(at), channel)


def _move(
    desk: Desk,
    agent: Agent,
    rma_id: int,
    action: str,
    change: Callable[[Rma, datetime], None],
    channel: Channel,
) -> Rma:
    with desk.uow() as uow:
        rma, ticket = _rma(uow, desk, agent, rma_id)
        now = desk.clock.now()
        change(rma, now)
        _trail(uow, agent, ticket, rma, action, now, reason=rma.reason)
        _tell(desk, uow, agent, ticket, rma, now, channel)
        uow.commit()
        return rma


def ship_rma(
    desk: Desk,
    actor: Actor,
    rma_id: int,
    replacement_serial: str | None,
    tracking: str | None,
    *,
    channel: Channel = Channel.API,
) -> Rma:
    """The replacement left: its serial goes into the installed base (the faulty unit becomes
    ``replaced``, the new one is installed at the same site); a repair returning the same unit
    leaves the installed base as it is."""
    agent = _agent(actor, "ship an RMA")
    with desk.uow() as uow:
        rma, ticket = _rma(uow, desk, agent, rma_id)
        now = desk.clock.now()
        rma.ship(replacement_serial, tracking, now)
        if rma.swaps_unit:
            item = uow.installed_base.item(rma.installed_item_id)
            assert item is not None
            assert rma.replacement_serial is not None
            new = record_replacement(
                uow,
                agent,
                item,
                rma.replacement_serial,
                now,
                ticket_id=ticket.id,
                why=rma.reference,
            )
            rma.replacement_item_id = new.id
        _trail(
            uow,
            agent,
            ticket,
            rma,
            "shipped",
            now,
            replacement=rma.replacement_serial,
            tracking=rma.tracking_reference,
        )
        _tell(desk, uow, agent, ticket, rma, now, channel)
        uow.commit()
        return rma


# -- reading --------------------------------------------------------------------------------


def get_rma(desk: Desk, actor: Actor, rma_id: int) -> tuple[Rma, Ticket]:
    agent = _agent(actor, "read RMAs")
    with desk.uow() as uow:
        return _rma(uow, desk, agent, rma_id)


def ticket_rmas(desk: Desk, actor: Actor, reference: int | str) -> TicketRmas:
    agent = _agent(actor, "read RMAs")
    with desk.uow() as uow:
        ticket = access_ticket(uow, agent, reference, desk.ticket_prefix)
        assert ticket.id is not None
        repo = uow.installed_base
        return TicketRmas(
            ticket,
            uow.rmas.for_ticket(ticket.id),
            {i.id or 0: i for i in repo.items(ticket.organisation_id)},
            {s.id or 0: s for s in repo.sites(ticket.organisation_id)},
            {p.id or 0: p for p in uow.products.all()},
            {
                r.installed_item_id: r
                for r in uow.rmas.open_for_organisation(ticket.organisation_id)
            },
            {link.installed_item_id for link in repo.links(ticket.id)},
        )


def list_rmas(
    desk: Desk,
    actor: Actor,
    *,
    state: RmaState | None = None,
    organisation_id: int | None = None,
    ticket: int | str | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[tuple[Rma, Ticket]]:
    """Newest first, only those on tickets the actor may open (pages are filled past the ones
    left out, so a page is short only at the end)."""
    agent = _agent(actor, "read RMAs")
    with desk.uow() as uow:
        ticket_id = None
        if ticket is not None:
            ticket_id = access_ticket(uow, agent, ticket, desk.ticket_prefix).id
        found: list[Rma] = []
        cursor = before_id
        while len(found) < limit:
            batch = uow.rmas.page(
                state=state,
                organisation_id=organisation_id,
                ticket_id=ticket_id,
                limit=limit,
                before_id=cursor,
            )
            if not batch:
                break
            seen = visible_ticket_ids(uow, agent, {r.ticket_id for r in batch})
            found.extend(r for r in batch if r.ticket_id in seen)
            cursor = batch[-1].id
            if len(batch) < limit:
                break
        found = found[:limit]
        tickets = {t.id: t for t in access_tickets(uow, agent, [r.ticket_id for r in found])}
        return [(r, tickets[r.ticket_id]) for r in found if r.ticket_id in tickets]
