"""The installed base (issue 21 item 1): who reads and edits it, the CSV import, matching a
ticket to the items it is about, and the entitlement check on the ticket (both engines)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.factories import make_agent, make_contact, make_organisation
from tests.follow_ups import run_follow_ups
from tierdesk.domain.installed_base import CoverageState, EntitlementKind, ItemStatus, MatchedBy
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Organisation, Role
from tierdesk.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from tierdesk.services import catalog, conversation, tickets
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.installed_base_import import CsvImportError, import_installed_base
from tierdesk.services.installed_base_tickets import link_item, ticket_installed_base, unlink_item


@dataclass
class Base:
    lead: Agent
    agent: Agent
    organisation: Organisation


@pytest.fixture
def base(desk: Desk) -> Base:
    catalog.create_product(
        desk,
        SYSTEM,
        catalog.NewProduct(
            name="Kestrel SBC", key="sbc", versions=[("4.2.1", None), ("4.3.0", None)]
        ),
    )
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel Phone", key="phone"))
    lead = make_agent(desk, tiers=[1, 2], role=Role.LEAD)
    organisation = make_organisation(desk)
    import_installed_base(
        desk,
        lead,
        "kind,site,product,version,serial,hardware_model,name,expires_on\n"
        "item,Frankfurt,sbc,4.2.1,SBC-0001,SBC-2U,,\n"
        "item,Frankfurt,sbc,4.2.1,SBC-0002,SBC-2U,,\n"
        "item,Munich,sbc,4.3.0,SBC-0003,SBC-1U,,\n"
        "item,Munich,phone,2.0,,KP-400,,\n"
        "support,,sbc,,,,Premium support,2026-01-31\n",
        organisation.id,
    )
    return Base(lead, make_agent(desk, tiers=[1]), organisation)


def _open(desk: Desk, organisation: Organisation, body: str, product: str | None = None) -> str:
    contact = make_contact(desk, organisation=organisation)
    ticket = tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(
            subject="Calls drop", body_text=body, catalog=tickets.CatalogRef(product=product)
        ),
    )
    return ticket.number or ""


def _matched(desk: Desk, agent: Agent, number: str) -> dict[str, MatchedBy]:
    """What the ticket is linked to once the desk has read its messages."""
    run_follow_ups(desk)
    view = ticket_installed_base(desk, agent, number)
    return {
        li.item.serial_number or li.item.hardware_model or "": li.matched_by for li in view.linked
    }


def test_a_serial_number_matches_one_item_over_the_version_and_the_product(
    desk: Desk, base: Base
) -> None:
    number = _open(
        desk, base.organisation, "Our SBC on 4.2.1 reboots. Serial number: SBC-0002", "sbc"
    )
    assert _matched(desk, base.agent, number) == {"SBC-0002": MatchedBy.SERIAL}


def test_a_version_matches_the_items_running_it_when_no_serial_is_given(
    desk: Desk, base: Base
) -> None:
    number = _open(desk, base.organisation, "Since the upgrade to version 4.3.0 calls drop.", "sbc")
    assert _matched(desk, base.agent, number) == {"SBC-0003": MatchedBy.VERSION}


def test_the_product_alone_matches_when_the_organisation_runs_few_of_it(
    desk: Desk, base: Base
) -> None:
    number = _open(desk, base.organisation, "The handset shows no line.", "phone")
    assert _matched(desk, base.agent, number) == {"KP-400": MatchedBy.PRODUCT}


def test_a_serial_in_a_later_reply_replaces_the_weaker_matches_but_not_an_agents_link(
    desk: Desk, base: Base
) -> None:
    number = _open(desk, base.organisation, "Calls drop on 4.2.1.", "sbc")
    assert set(_matched(desk, base.agent, number).values()) == {MatchedBy.VERSION}
    phone = next(
        i
        for i in ib.installed_base(desk, base.agent, base.organisation.id or 0).items
        if i.hardware_model == "KP-400"
    )
    link_item(desk, base.agent, number, phone.id or 0)
    ticket = tickets.get_ticket(desk, SYSTEM, number)
    contact_id = ticket.requester_id
    with desk.uow() as uow:
        contact = uow.contacts.get(contact_id)
    assert contact is not None
    conversation.add_message(
        desk, contact, number, MessageKind.CUSTOMER, text="The serial number is SBC-0001."
    )
    assert _matched(desk, base.agent, number) == {
        "SBC-0001": MatchedBy.SERIAL,
        "KP-400": MatchedBy.AGENT,
    }
    unlink_item(desk, base.agent, number, phone.id or 0)
    assert _matched(desk, base.agent, number) == {"SBC-0001": MatchedBy.SERIAL}


def test_the_ticket_warns_the_agent_when_the_organisations_support_has_expired(
    desk: Desk, base: Base
) -> None:
    # the clock stands at 2026-03-02; Premium support for the SBC ended on 2026-01-31
    number = _open(desk, base.organisation, "Serial number: SBC-0003 is down", "sbc")
    view = ticket_installed_base(desk, base.agent, number)
    assert view.coverage.state is CoverageState.EXPIRED
    assert view.warning == "Support for Kestrel SBC expired on 2026-01-31."

    ib.add_entitlement(
        desk,
        base.lead,
        base.organisation.id or 0,
        ib.EntitlementInput(
            EntitlementKind.SUPPORT, "Renewal", product="sbc", expires_on=date(2027, 1, 31)
        ),
    )
    assert ticket_installed_base(desk, base.agent, number).warning is None
    phone_ticket = _open(desk, base.organisation, "Handset dead", "phone")
    assert ticket_installed_base(desk, base.agent, phone_ticket).warning == (
        "No support entitlement is recorded for Kestrel Phone."
    )


def test_a_csv_file_with_bad_rows_stores_nothing_and_names_each_line_and_column(
    desk: Desk, base: Base
) -> None:
    other = make_organisation(desk)
    before = ib.installed_base(desk, base.lead, base.organisation.id or 0)
    with pytest.raises(CsvImportError) as raised:
        import_installed_base(
            desk,
            base.lead,
            "organisation,product,serial,version,quantity,kind,name,expires_on\n"
            f"{base.organisation.name},sbc,NEW-1,4.3.0,1,,,\n"
            f"{base.organisation.name},nosuch,NEW-2,1.0,1,,,\n"
            f"{other.name},sbc,SBC-0001,4.2.1,1,,,\n"
            f"{base.organisation.name},sbc,NEW-3,4.3.0,two,,,\n"
            f"{base.organisation.name},,,,,support,Gold,31.12.2026\n",
        )
    assert [(e.line, e.column) for e in raised.value.errors] == [
        (3, "product"),
        (4, "serial_number"),
        (5, "quantity"),
        (6, "expires_on"),
    ]
    after = ib.installed_base(desk, base.lead, base.organisation.id or 0)
    assert len(after.items) == len(before.items)
    assert ib.installed_base(desk, base.lead, other.id or 0).items == []


def test_importing_the_same_file_again_updates_by_serial_and_adds_nothing(
    desk: Desk, base: Base
) -> None:
    result = import_installed_base(
        desk,
        base.lead,
        "product,serial,version,site,status\nsbc,sbc-0001,4.3.0,Frankfurt,active\n"
        "sbc,SBC-0002,4.2.1,Frankfurt,retired\n",
        base.organisation.id,
    )
    assert (result.items_added, result.items_updated, result.sites_added) == (0, 2, 0)
    items = {
        i.serial_number: i
        for i in ib.installed_base(desk, base.lead, base.organisation.id or 0).items
    }
    assert len(items) == 4
    assert items["SBC-0001"].version == "4.3.0"
    assert items["SBC-0002"].status is ItemStatus.RETIRED


def test_only_leads_edit_and_customers_read_no_installed_base(desk: Desk, base: Base) -> None:
    org_id = base.organisation.id or 0
    with pytest.raises(PermissionDeniedError):
        ib.add_site(desk, base.agent, org_id, ib.SiteInput("Berlin"))
    with pytest.raises(PermissionDeniedError):
        import_installed_base(desk, base.agent, "product\nsbc\n", org_id)
    assert len(ib.installed_base(desk, base.agent, org_id).items) == 4
    own = make_contact(desk, organisation=base.organisation)
    stranger = make_contact(desk)
    for contact in (own, stranger):
        with pytest.raises(NotFoundError):
            ib.installed_base(desk, contact, org_id)
    number = _open(desk, base.organisation, "Serial number: SBC-0001 down", "sbc")
    with pytest.raises(NotFoundError):
        ticket_installed_base(desk, own, number)
    with pytest.raises(NotFoundError):
        ticket_installed_base(desk, stranger, number)


def test_an_item_of_another_organisation_cannot_be_linked_or_edited_through_this_one(
    desk: Desk, base: Base
) -> None:
    other = make_organisation(desk)
    foreign = ib.add_item(desk, base.lead, other.id or 0, ib.ItemInput("sbc", serial_number="X-1"))
    number = _open(desk, base.organisation, "Down", "sbc")
    with pytest.raises(NotFoundError):
        link_item(desk, base.lead, number, foreign.id or 0)
    with pytest.raises(NotFoundError):
        ib.update_item(
            desk, base.lead, base.organisation.id or 0, foreign.id or 0, ib.ItemInput("sbc")
        )


def test_an_item_without_a_product_is_asked_for_one_beside_the_product_field(
    desk: Desk, base: Base
) -> None:
    organisation = base.organisation.id or 0

    with pytest.raises(InvalidInputError) as blank:
        ib.add_item(desk, base.lead, organisation, ib.ItemInput("  ", serial_number="X-9"))

    assert (blank.value.message, blank.value.data["field"]) == ("choose a product", "product")
