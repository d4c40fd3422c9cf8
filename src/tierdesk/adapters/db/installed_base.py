"""The installed base in storage (issue 21 item 1): sites, installed items, entitlements and the
tickets' links to items; the tables, their mappings and the repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime, storable_id
from tierdesk.domain.installed_base import (
    Entitlement,
    EntitlementKind,
    InstalledItem,
    ItemStatus,
    MatchedBy,
    Site,
    TicketInstalledItem,
    normalise_serial,
)

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("address", Text),
    Column("timezone", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("organisation_id", "name", name="uq_sites_organisation_name"),
)

installed_items = Table(
    "installed_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("site_id", ForeignKey("sites.id"), index=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("version", String(64)),  # the catalogue version's name
    # NULLs are distinct on both engines, so only serials that are there must be unique.
    Column("serial_number", String(120), unique=True),
    Column("hardware_model", String(120)),
    Column("status", EnumText(ItemStatus, length=16), nullable=False),
    Column("quantity", Integer, nullable=False, server_default="1"),
    Column("notes", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

entitlements = Table(
    "entitlements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("site_id", ForeignKey("sites.id")),
    Column("product_id", ForeignKey("products.id")),  # NULL: every product
    Column("kind", EnumText(EntitlementKind, length=16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("reference", String(120)),
    Column("seats", Integer),
    Column("starts_on", Date),
    Column("expires_on", Date),
    Column("created_at", UtcDateTime, nullable=False),
)

ticket_installed_items = Table(
    "ticket_installed_items",
    metadata,
    Column("ticket_id", ForeignKey("tickets.id"), primary_key=True),
    Column("installed_item_id", ForeignKey("installed_items.id"), primary_key=True, index=True),
    Column("matched_by", EnumText(MatchedBy, length=16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)


def map_installed_base(reg: registry) -> None:
    reg.map_imperatively(Site, sites)
    reg.map_imperatively(InstalledItem, installed_items)
    reg.map_imperatively(Entitlement, entitlements)


class SqlInstalledBaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # sites
    def add_site(self, site: Site) -> None:
        self.session.add(site)

    def site(self, site_id: int) -> Site | None:
        return self.session.get(Site, site_id) if storable_id(site_id) else None

    def sites(self, organisation_id: int) -> list[Site]:
        c = sites.c
        query = select(Site).where(c.organisation_id == organisation_id).order_by(c.name, c.id)
        return list(self.session.scalars(query))

    def site_named(self, organisation_id: int, name: str) -> Site | None:
        wanted = name.strip().lower()
        return next((s for s in self.sites(organisation_id) if s.name.lower() == wanted), None)

    def remove_site(self, site: Site) -> None:
        self.session.delete(site)

    # installed items
    def add_item(self, item: InstalledItem) -> None:
        self.session.add(item)

    def item(self, item_id: int) -> InstalledItem | None:
        return self.session.get(InstalledItem, item_id) if storable_id(item_id) else None

    def items(self, organisation_id: int, site_id: int | None = None) -> list[InstalledItem]:
        c = installed_items.c
        query = select(InstalledItem).where(c.organisation_id == organisation_id)
        if site_id is not None:
            query = query.where(c.site_id == site_id)
        return list(self.session.scalars(query.order_by(c.id)))

    def items_by_ids(self, item_ids: Sequence[int]) -> list[InstalledItem]:
        c = installed_items.c
        query = select(InstalledItem).where(c.id.in_(list(item_ids))).order_by(c.id)
        return list(self.session.scalars(query))

    def item_with_serial(self, serial_number: str) -> InstalledItem | None:
        query = select(InstalledItem).where(
            installed_items.c.serial_number == normalise_serial(serial_number)
        )
        return self.session.scalars(query).first()

    def items_running(self, product_id: int, version: str | None = None) -> list[InstalledItem]:
        """Every organisation's active items of a product (at a version): who runs it."""
        c = installed_items.c
        query = select(InstalledItem).where(
            c.product_id == product_id, c.status == str(ItemStatus.ACTIVE)
        )
        if version is not None:
            query = query.where(c.version == version)
        return list(self.session.scalars(query.order_by(c.organisation_id, c.id)))

    def remove_item(self, item: InstalledItem) -> None:
        self.session.execute(
            delete(ticket_installed_items).where(
                ticket_installed_items.c.installed_item_id == item.id
            )
        )
        self.session.delete(item)

    # entitlements
    def add_entitlement(self, entitlement: Entitlement) -> None:
        self.session.add(entitlement)

    def entitlement(self, entitlement_id: int) -> Entitlement | None:
        return (
            self.session.get(Entitlement, entitlement_id) if storable_id(entitlement_id) else None
        )

    def entitlements(self, organisation_id: int) -> list[Entitlement]:
        c = entitlements.c
        query = select(Entitlement).where(c.organisation_id == organisation_id).order_by(c.id)
        return list(self.session.scalars(query))

    def remove_entitlement(self, entitlement: Entitlement) -> None:
        self.session.delete(entitlement)

    # tickets' links
    def link(self, link: TicketInstalledItem) -> bool:
        """Link a ticket to an item; ``False`` when they are linked already (the first link's
        ``matched_by`` stays: an agent's link is not overwritten by a later match)."""
        c = ticket_installed_items.c
        present = self.session.execute(
            select(c.ticket_id).where(
                c.ticket_id == link.ticket_id, c.installed_item_id == link.installed_item_id
            )
        ).first()
        if present is not None:
            return False
        self.session.execute(
            ticket_installed_items.insert().values(
                ticket_id=link.ticket_id,
                installed_item_id=link.installed_item_id,
                matched_by=link.matched_by,
                created_at=link.created_at,
            )
        )
        return True

    def unlink(self, ticket_id: int, item_id: int) -> bool:
        c = ticket_installed_items.c
        result = self.session.execute(
            delete(ticket_installed_items).where(
                c.ticket_id == ticket_id, c.installed_item_id == item_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def links(self, ticket_id: int) -> list[TicketInstalledItem]:
        c = ticket_installed_items.c
        query = select(ticket_installed_items).where(c.ticket_id == ticket_id)
        return [_link(row) for row in self.session.execute(query.order_by(c.created_at))]

    def tickets_of_item(self, item_id: int) -> list[TicketInstalledItem]:
        c = ticket_installed_items.c
        query = select(ticket_installed_items).where(c.installed_item_id == item_id)
        return [_link(row) for row in self.session.execute(query.order_by(c.created_at))]


def _link(row: object) -> TicketInstalledItem:
    ticket_id: int = getattr(row, "ticket_id")  # noqa: B009
    item_id: int = getattr(row, "installed_item_id")  # noqa: B009
    matched_by: MatchedBy = getattr(row, "matched_by")  # noqa: B009
    created_at: datetime = getattr(row, "created_at")  # noqa: B009
    return TicketInstalledItem(ticket_id, item_id, matched_by, created_at)
