"""The installed base's tables round-trip through the repository on both engines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from tests.factories import make_organisation, make_ticket
from tierdesk.domain.installed_base import (
    Entitlement,
    EntitlementKind,
    InstalledItem,
    ItemStatus,
    MatchedBy,
    Site,
    TicketInstalledItem,
)
from tierdesk.services import catalog
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def test_sites_items_entitlements_and_links_read_back_as_stored(desk: Desk) -> None:
    organisation = make_organisation(desk)
    product = catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel SBC"))
    ticket = make_ticket(desk)
    now = desk.clock.now()
    with desk.uow() as uow:
        site = Site(organisation.id or 0, " Frankfurt DC ", now, address="Hanauer Landstr. 1")
        uow.installed_base.add_site(site)
        uow.flush()
        item = InstalledItem(
            organisation.id or 0,
            product.id or 0,
            now,
            now,
            site_id=site.id,
            version="4.2.1",
            serial_number=" ksb-0042 ",
            hardware_model="SBC-2U",
            quantity=2,
        )
        uow.installed_base.add_item(item)
        uow.installed_base.add_entitlement(
            Entitlement(
                organisation.id or 0,
                EntitlementKind.SUPPORT,
                "Premium support",
                now,
                product_id=product.id,
                reference="C-7",
                seats=10,
                starts_on=date(2025, 1, 1),
                expires_on=date(2025, 12, 31),
            )
        )
        uow.flush()
        link = TicketInstalledItem(ticket.id or 0, item.id or 0, MatchedBy.SERIAL, now)
        assert uow.installed_base.link(link)
        assert not uow.installed_base.link(link)
        uow.commit()

    with desk.uow() as uow:
        repo = uow.installed_base
        [site] = repo.sites(organisation.id or 0)
        assert (site.name, site.address, site.timezone) == (
            "Frankfurt DC",
            "Hanauer Landstr. 1",
            None,
        )
        [item] = repo.items(organisation.id or 0)
        assert item.serial_number == "KSB-0042"
        assert (item.site_id, item.version, item.status, item.quantity) == (
            site.id,
            "4.2.1",
            ItemStatus.ACTIVE,
            2,
        )
        assert repo.item_with_serial("ksb-0042") is not None
        [entitlement] = repo.entitlements(organisation.id or 0)
        assert entitlement.kind is EntitlementKind.SUPPORT
        assert (entitlement.starts_on, entitlement.expires_on) == (
            date(2025, 1, 1),
            date(2025, 12, 31),
        )
        [stored] = repo.links(ticket.id or 0)
        assert (stored.installed_item_id, stored.matched_by) == (item.id, MatchedBy.SERIAL)
        assert stored.created_at == now
        assert repo.unlink(ticket.id or 0, item.id or 0)
        uow.commit()
    with desk.uow() as uow:
        assert uow.installed_base.links(ticket.id or 0) == []


def test_a_serial_number_is_stored_once_and_many_items_may_have_none(desk: Desk) -> None:
    organisation = make_organisation(desk)
    product = catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="KP-400"))
    now = desk.clock.now()
    with desk.uow() as uow:
        for serial in (None, None, "KP1"):
            uow.installed_base.add_item(
                InstalledItem(organisation.id or 0, product.id or 0, now, now, serial_number=serial)
            )
        uow.commit()
    with desk.uow() as uow:
        uow.installed_base.add_item(
            InstalledItem(organisation.id or 0, product.id or 0, now, now, serial_number="kp1")
        )
        with pytest.raises(IntegrityError):
            uow.commit()
