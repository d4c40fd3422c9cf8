"""The installed base per organisation (issue 21 item 1): its sites, installed items and
entitlements, read and edited.

Who may do what: every active agent reads any organisation's installed base (agents are the
vendor's people and work every customer's tickets); leads and admins edit it. Customer contacts
read none of it, not even their own organisation's (the notes are the vendor's, and the portal
has no page for it yet): for a contact every organisation's installed base is "not found",
as another organisation's ticket is. Edits are audited against the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.catalog import Product
from tierdesk.domain.installed_base import (
    Coverage,
    Entitlement,
    EntitlementKind,
    InstalledItem,
    ItemStatus,
    MatchedBy,
    Site,
    TicketInstalledItem,
    normalise_serial,
    support_coverage,
)
from tierdesk.domain.people import Actor, Contact, Organisation
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent, require_lead
from tierdesk.services.desk import Desk


@dataclass
class SiteInput:
    name: str
    address: str | None = None
    timezone: str | None = None


@dataclass
class ItemInput:
    product: str  # key or name
    site: str | None = None  # a site's name; None: no site
    version: str | None = None
    serial_number: str | None = None
    hardware_model: str | None = None
    status: ItemStatus = ItemStatus.ACTIVE
    quantity: int = 1
    notes: str | None = None


@dataclass
class EntitlementInput:
    kind: EntitlementKind
    name: str
    product: str | None = None  # None: every product
    site: str | None = None
    reference: str | None = None
    seats: int | None = None
    starts_on: date | None = None
    expires_on: date | None = None


@dataclass
class InstalledBase:
    """An organisation's installed base as the workspace and the API show it."""

    organisation: Organisation
    sites: list[Site]
    items: list[InstalledItem]
    entitlements: list[Entitlement]
    products: dict[int, Product] = field(default_factory=dict)
    coverage: dict[int, Coverage] = field(default_factory=dict)  # by product id, today

    def site_name(self, site_id: int | None) -> str | None:
        return next((s.name for s in self.sites if s.id == site_id), None)

    def product_name(self, product_id: int | None) -> str | None:
        product = self.products.get(product_id or 0)
        return product.name if product else None


def require_reader(actor: Actor) -> None:
    """Contacts are told "not found", like for another organisation's ticket."""
    if isinstance(actor, Contact):
        raise NotFoundError("organisation not found")
    require_agent(actor, "read the installed base")


def organisation_for(uow: UnitOfWork, actor: Actor, organisation_id: int) -> Organisation:
    require_reader(actor)
    organisation = uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFoundError(f"organisation {organisation_id} not found")
    return organisation


def installed_base(desk: Desk, actor: Actor, organisation_id: int) -> InstalledBase:
    with desk.uow() as uow:
        organisation = organisation_for(uow, actor, organisation_id)
        repo = uow.installed_base
        items = repo.items(organisation_id)
        entitlements = repo.entitlements(organisation_id)
        products = {p.id or 0: p for p in uow.products.all()}
        today = desk.clock.now().date()
        product_ids = {i.product_id for i in items} | {
            e.product_id for e in entitlements if e.product_id is not None
        }
        coverage = {pid: support_coverage(entitlements, pid, today) for pid in product_ids}
        return InstalledBase(
            organisation, repo.sites(organisation_id), items, entitlements, products, coverage
        )


def product_for(uow: UnitOfWork, name: str, field_name: str = "product") -> Product:
    """The catalogue's product by its key; a blank one is "choose a product", not an unknown
    product called ''."""
    if not name.strip():
        raise InvalidInputError("choose a product", field=field_name)
    product = uow.products.get_by_key(name)
    if product is None:
        raise InvalidInputError(f"no product {name!r} in the catalogue", field=field_name)
    return product


def _site_id(uow: UnitOfWork, organisation_id: int, name: str | None) -> int | None:
    if name is None or not name.strip():
        return None
    site = uow.installed_base.site_named(organisation_id, name)
    if site is None:
        raise InvalidInputError(f"no site {name!r} at this organisation", field="site")
    return site.id


def _audit(
    desk: Desk, uow: UnitOfWork, actor: Actor, action: str, organisation_id: int, **changes: Any
) -> None:
    uow.audit.add(
        audit_event(
            "organisation",
            action,
            actor,
            desk.clock.now(),
            subject_id=organisation_id,
            changes=changes,
        )
    )


# -- sites ----------------------------------------------------------------------------------


def add_site(desk: Desk, actor: Actor, organisation_id: int, new: SiteInput) -> Site:
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        site = Site(organisation_id, new.name, desk.clock.now(), new.address, new.timezone)
        if uow.installed_base.site_named(organisation_id, site.name):
            raise ConflictError(f"a site {site.name!r} exists already", field="name")
        uow.installed_base.add_site(site)
        uow.flush()
        _audit(desk, uow, actor, "site.added", organisation_id, site=site.name)
        uow.commit()
        return site


def _own_site(uow: UnitOfWork, organisation_id: int, site_id: int) -> Site:
    site = uow.installed_base.site(site_id)
    if site is None or site.organisation_id != organisation_id:
        raise NotFoundError(f"site {site_id} not found")
    return site


def update_site(
    desk: Desk, actor: Actor, organisation_id: int, site_id: int, new: SiteInput
) -> Site:
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        site = _own_site(uow, organisation_id, site_id)
        checked = Site(organisation_id, new.name, site.created_at, new.address, new.timezone)
        other = uow.installed_base.site_named(organisation_id, checked.name)
        if other is not None and other.id != site.id:
            raise ConflictError(f"a site {checked.name!r} exists already", field="name")
        site.name, site.address, site.timezone = checked.name, checked.address, checked.timezone
        _audit(desk, uow, actor, "site.updated", organisation_id, site=site.name)
        uow.commit()
        return site


def remove_site(desk: Desk, actor: Actor, organisation_id: int, site_id: int) -> None:
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        site = _own_site(uow, organisation_id, site_id)
        uow.hold(site)  # removed twice at once: the second is told, not audited twice
        repo = uow.installed_base
        used = bool(repo.items(organisation_id, site_id)) or any(
            e.site_id == site_id for e in repo.entitlements(organisation_id)
        )
        if used:
            raise ConflictError(
                f"site {site.name!r} still has items or entitlements; move or remove them first"
            )
        repo.remove_site(site)
        _audit(desk, uow, actor, "site.removed", organisation_id, site=site.name)
        uow.commit()


# -- installed items ------------------------------------------------------------------------


def _serial_free(uow: UnitOfWork, serial: str | None, item_id: int | None) -> None:
    if serial is None:
        return
    holder = uow.installed_base.item_with_serial(serial)
    if holder is not None and holder.id != item_id:
        raise ConflictError(f"serial number {serial} is recorded already", field="serial_number")


def _item(
    uow: UnitOfWork, organisation_id: int, new: ItemInput, created_at: datetime, at: datetime
) -> InstalledItem:
    product = product_for(uow, new.product)
    return InstalledItem(
        organisation_id,
        product.id or 0,
        created_at,
        at,
        site_id=_site_id(uow, organisation_id, new.site),
        version=new.version,
        serial_number=new.serial_number,
        hardware_model=new.hardware_model,
        status=new.status,
        quantity=new.quantity,
        notes=new.notes,
    )


def add_item(desk: Desk, actor: Actor, organisation_id: int, new: ItemInput) -> InstalledItem:
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        now = desk.clock.now()
        item = _item(uow, organisation_id, new, now, now)
        _serial_free(uow, item.serial_number, None)
        uow.installed_base.add_item(item)
        uow.flush()
        _audit(desk, uow, actor, "installed_item.added", organisation_id, item=item.id)
        uow.commit()
        return item


def record_replacement(
    uow: UnitOfWork,
    actor: Actor,
    item: InstalledItem,
    serial_number: str,
    at: datetime,
    *,
    ticket_id: int | None = None,
    why: str | None = None,
) -> InstalledItem:
    """A unit swapped for another (a shipped RMA, issue 21 item 4), inside the caller's
    transaction: the old one becomes ``replaced`` (its serial still finds it), the new one runs
    the same product, version and model at the same site, and the ticket the swap was for (if
    any) is about the new one too. The caller checked the actor may do it and commits."""
    _serial_free(uow, normalise_serial(serial_number), None)
    new = InstalledItem(
        item.organisation_id,
        item.product_id,
        at,
        at,
        site_id=item.site_id,
        version=item.version,
        serial_number=serial_number,
        hardware_model=item.hardware_model,
        notes=f"Replaces {item.serial_number}" + (f" ({why})" if why else ""),
    )
    item.status, item.updated_at = ItemStatus.REPLACED, at
    repo = uow.installed_base
    repo.add_item(new)
    uow.flush()
    assert new.id is not None
    if ticket_id is not None:
        repo.link(TicketInstalledItem(ticket_id, new.id, MatchedBy.AGENT, at))
    uow.audit.add(
        audit_event(
            "organisation",
            "installed_item.replaced",
            actor,
            at,
            subject_id=item.organisation_id,
            changes={"item": item.id, "replacement": new.id, "serial": new.serial_number},
            reason=why,
        )
    )
    return new


def _own_item(uow: UnitOfWork, organisation_id: int, item_id: int) -> InstalledItem:
    item = uow.installed_base.item(item_id)
    if item is None or item.organisation_id != organisation_id:
        raise NotFoundError(f"installed item {item_id} not found")
    return item


def update_item(
    desk: Desk, actor: Actor, organisation_id: int, item_id: int, new: ItemInput
) -> InstalledItem:
    """Replace an item's fields (retiring it is setting its status)."""
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        item = _own_item(uow, organisation_id, item_id)
        checked = _item(uow, organisation_id, new, item.created_at, desk.clock.now())
        _serial_free(uow, checked.serial_number, item.id)
        for name in (
            "product_id",
            "site_id",
            "version",
            "serial_number",
            "hardware_model",
            "status",
            "quantity",
            "notes",
            "updated_at",
        ):
            setattr(item, name, getattr(checked, name))
        _audit(desk, uow, actor, "installed_item.updated", organisation_id, item=item.id)
        uow.commit()
        return item


def retire_item(desk: Desk, actor: Actor, organisation_id: int, item_id: int) -> InstalledItem:
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        item = _own_item(uow, organisation_id, item_id)
        item.status, item.updated_at = ItemStatus.RETIRED, desk.clock.now()
        _audit(desk, uow, actor, "installed_item.retired", organisation_id, item=item.id)
        uow.commit()
        return item


def remove_item(desk: Desk, actor: Actor, organisation_id: int, item_id: int) -> None:
    """Forget an item recorded by mistake (with its tickets' links); retire one taken out."""
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        item = _own_item(uow, organisation_id, item_id)
        uow.hold(item)  # removed twice at once: the second is told, not audited twice
        # An RMA's record keeps the unit it names (the database refuses to lose it: a 500).
        if rmas := uow.rmas.for_item(item_id):
            label = item.serial_number or f"installed item {item_id}"
            raise ConflictError(
                f"{label} is named by {', '.join(r.reference for r in rmas[:3])}"
                f"{' and more' if len(rmas) > 3 else ''}; set its status to retired instead",
                field="item",
            )
        uow.installed_base.remove_item(item)
        _audit(desk, uow, actor, "installed_item.removed", organisation_id, item=item_id)
        uow.commit()


# -- entitlements ---------------------------------------------------------------------------


def _entitlement(
    uow: UnitOfWork, organisation_id: int, new: EntitlementInput, created_at: datetime
) -> Entitlement:
    product_id = product_for(uow, new.product).id if new.product and new.product.strip() else None
    try:
        kind = EntitlementKind(new.kind)
    except ValueError:
        raise InvalidInputError("kind is support or licence", field="kind") from None
    return Entitlement(
        organisation_id,
        kind,
        new.name,
        created_at,
        site_id=_site_id(uow, organisation_id, new.site),
        product_id=product_id,
        reference=new.reference,
        seats=new.seats,
        starts_on=new.starts_on,
        expires_on=new.expires_on,
    )


def add_entitlement(
    desk: Desk, actor: Actor, organisation_id: int, new: EntitlementInput
) -> Entitlement:
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        entitlement = _entitlement(uow, organisation_id, new, desk.clock.now())
        uow.installed_base.add_entitlement(entitlement)
        uow.flush()
        _audit(desk, uow, actor, "entitlement.added", organisation_id, entitlement=entitlement.id)
        uow.commit()
        return entitlement


def _own_entitlement(uow: UnitOfWork, organisation_id: int, entitlement_id: int) -> Entitlement:
    entitlement = uow.installed_base.entitlement(entitlement_id)
    if entitlement is None or entitlement.organisation_id != organisation_id:
        raise NotFoundError(f"entitlement {entitlement_id} not found")
    return entitlement


def update_entitlement(
    desk: Desk, actor: Actor, organisation_id: int, entitlement_id: int, new: EntitlementInput
) -> Entitlement:
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        entitlement = _own_entitlement(uow, organisation_id, entitlement_id)
        checked = _entitlement(uow, organisation_id, new, entitlement.created_at)
        for name in (
            "kind",
            "name",
            "site_id",
            "product_id",
            "reference",
            "seats",
            "starts_on",
            "expires_on",
        ):
            setattr(entitlement, name, getattr(checked, name))
        _audit(desk, uow, actor, "entitlement.updated", organisation_id, entitlement=entitlement_id)
        uow.commit()
        return entitlement


def remove_entitlement(desk: Desk, actor: Actor, organisation_id: int, entitlement_id: int) -> None:
    require_lead(actor, "edit the installed base")
    with desk.uow() as uow:
        organisation_for(uow, actor, organisation_id)
        entitlement = _own_entitlement(uow, organisation_id, entitlement_id)
        uow.hold(entitlement)  # removed twice at once: the second is told, not audited twice
        uow.installed_base.remove_entitlement(entitlement)
        _audit(desk, uow, actor, "entitlement.removed", organisation_id, entitlement=entitlement_id)
        uow.commit()
