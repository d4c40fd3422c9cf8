"""The installed base on a ticket (issue 21 item 1): which installed items the ticket is about
(matched from what it says, or linked by an agent) and whether the organisation's support for
them has lapsed.

Matching runs as an event handler after enrichment, in the transaction that stored the
ticket or message: it reads the organisation's items (one query; an organisation without an
installed base stops there) and the facts enrichment just stored, nothing else. A later, stronger
clue (a serial number quoted in a reply) replaces the weaker automatic links; an agent's links
are never touched by matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.catalog import Product
from tierdesk.domain.facts import FactKind
from tierdesk.domain.installed_base import (
    Coverage,
    CoverageState,
    Entitlement,
    InstalledItem,
    MatchedBy,
    Site,
    TicketClues,
    TicketInstalledItem,
    match_items,
    support_coverage,
    version_of,
)
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket
from tierdesk.services.desk import Desk
from tierdesk.services.installed_base import require_reader

# Strongest first: a serial names one unit, a version a few, a product perhaps many.
_STRENGTH = {MatchedBy.SERIAL: 3, MatchedBy.VERSION: 2, MatchedBy.PRODUCT: 1}


def clues_for(uow: UnitOfWork, ticket: Ticket) -> TicketClues:
    assert ticket.id is not None
    facts = uow.facts.for_ticket(ticket.id, include_internal=True)
    serials = {f.value for f in facts if f.kind is FactKind.SERIAL_NUMBER}
    versions = {f.value for f in facts if f.kind is FactKind.VERSION}
    product_id = ticket.product_id
    for fact in facts:
        if fact.kind is not FactKind.PRODUCT_VERSION:
            continue
        version = version_of(fact.value)
        if version is None:
            continue
        versions.add(version)
        if product_id is None:
            named = fact.value.strip()[: -len(version)].strip().rstrip("vV").strip()
            product = uow.products.get_by_key(named) if named else None
            product_id = product.id if product else None
    return TicketClues(frozenset(serials), frozenset(versions), product_id)


def match_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """Event handler (``ticket.opened``, ``message.added``): link the ticket to the installed
    items its clues point at."""
    if ticket.id is None:
        return
    items = uow.installed_base.items(ticket.organisation_id)
    if not items:
        return
    matches = match_items(items, clues_for(uow, ticket))
    if not matches:
        return
    repo = uow.installed_base
    strength = _STRENGTH[matches[0][1]]
    automatic = [link for link in repo.links(ticket.id) if link.matched_by is not MatchedBy.AGENT]
    if any(_STRENGTH[link.matched_by] > strength for link in automatic):
        return  # a serial matched already; a version in a reply adds nothing
    for link in automatic:
        if _STRENGTH[link.matched_by] < strength:
            repo.unlink(ticket.id, link.installed_item_id)
    now = desk.clock.now()
    for item, matched_by in matches:
        assert item.id is not None
        repo.link(TicketInstalledItem(ticket.id, item.id, matched_by, now))


@dataclass
class LinkedItem:
    item: InstalledItem
    matched_by: MatchedBy
    site: Site | None
    product: Product | None
    coverage: Coverage


@dataclass
class TicketInstalledBase:
    """What the ticket page's panel and the API show."""

    ticket: Ticket
    linked: list[LinkedItem]
    coverage: Coverage  # for the ticket as a whole: the worst of its items', else its product's
    has_entitlements: bool
    product: Product | None  # the product the coverage is about
    candidates: list[InstalledItem] = field(default_factory=list)  # the organisation's others
    products: dict[int, Product] = field(default_factory=dict)
    sites: dict[int, Site] = field(default_factory=dict)

    @property
    def warning(self) -> str | None:
        """What the agent must be told: support lapsed, or none recorded where some is."""
        name = self.product.name if self.product else "this product"
        if self.coverage.state is CoverageState.EXPIRED:
            return f"Support for {name} expired on {self.coverage.expired_on}."
        if self.coverage.state is CoverageState.NONE and self.has_entitlements:
            return f"No support entitlement is recorded for {name}."
        return None


_ORDER = {CoverageState.EXPIRED: 0, CoverageState.NONE: 1, CoverageState.COVERED: 2}


def ticket_installed_base(desk: Desk, actor: Actor, reference: int | str) -> TicketInstalledBase:
    require_reader(actor)
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        return _view(uow, desk, ticket)


def _view(uow: UnitOfWork, desk: Desk, ticket: Ticket) -> TicketInstalledBase:
    assert ticket.id is not None
    repo = uow.installed_base
    today = desk.clock.now().date()
    items = {i.id or 0: i for i in repo.items(ticket.organisation_id)}
    entitlements: list[Entitlement] = repo.entitlements(ticket.organisation_id)
    sites = {s.id or 0: s for s in repo.sites(ticket.organisation_id)}
    products = {p.id or 0: p for p in uow.products.all()}
    linked = []
    for link in repo.links(ticket.id):
        item = items.get(link.installed_item_id)
        if item is None:
            continue
        coverage = support_coverage(entitlements, item.product_id, today, item.site_id)
        site = sites.get(item.site_id or 0)
        linked.append(
            LinkedItem(item, link.matched_by, site, products.get(item.product_id), coverage)
        )
    if linked:
        worst = min(linked, key=lambda li: _ORDER[li.coverage.state])
        coverage, product = worst.coverage, worst.product
    else:
        coverage = support_coverage(entitlements, ticket.product_id, today)
        product = products.get(ticket.product_id or 0)
    linked_ids = {li.item.id for li in linked}
    return TicketInstalledBase(
        ticket,
        linked,
        coverage,
        bool(entitlements),
        product,
        [i for i in items.values() if i.id not in linked_ids],
        products,
        sites,
    )


def link_item(desk: Desk, actor: Actor, reference: int | str, item_id: int) -> TicketInstalledBase:
    """An agent says the ticket is about this item (of the ticket's organisation)."""
    require_reader(actor)
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        item = uow.installed_base.item(item_id)
        if item is None or item.organisation_id != ticket.organisation_id:
            raise NotFoundError(f"installed item {item_id} not found")
        now = desk.clock.now()
        # An automatic link the agent confirms becomes theirs: matching leaves it alone then.
        uow.installed_base.unlink(ticket.id, item_id)
        uow.installed_base.link(TicketInstalledItem(ticket.id, item_id, MatchedBy.AGENT, now))
        _audit(uow, actor, ticket, "installed_item.linked", item_id, now)
        uow.commit()
        return _view(uow, desk, ticket)


def unlink_item(
    desk: Desk, actor: Actor, reference: int | str, item_id: int
) -> TicketInstalledBase:
    require_reader(actor)
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        if not uow.installed_base.unlink(ticket.id, item_id):
            raise NotFoundError(f"installed item {item_id} is not linked to this ticket")
        _audit(uow, actor, ticket, "installed_item.unlinked", item_id, desk.clock.now())
        uow.commit()
        return _view(uow, desk, ticket)


def _audit(
    uow: UnitOfWork, actor: Actor, ticket: Ticket, action: str, item_id: int, at: datetime
) -> None:
    event = audit_event(
        "ticket", action, actor, at, subject_id=ticket.id, changes={"installed_item": item_id}
    )
    event.ticket_id = ticket.id
    uow.audit.add(event)
