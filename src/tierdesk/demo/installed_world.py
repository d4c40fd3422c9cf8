"""The demo's installed bases (issue 21 item 1): what three customers run (sites, SBCs and desk
phones with serial numbers and versions), their support plans and licences — one support plan
lapsed before the demo ends — and two tickets the desk matches to an installed item, one by
its serial number (at the customer whose support expired), one by its version."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tierdesk.demo.script import TicketScript
from tierdesk.demo.world import World
from tierdesk.domain.installed_base import EntitlementKind
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Priority, TicketType
from tierdesk.services import installed_base as ib
from tierdesk.services.tickets import CatalogRef, NewTicket

SBC, PHONE, EDGE = "kestrel-sbc", "kestrel-deskphone", "kestrel-edge"

# organisation -> sites, items (site, product, version, serial, model, quantity)
BASES: dict[str, dict[str, list[tuple[str, ...]]]] = {
    "Müller Logistik GmbH": {
        "sites": [
            ("Hamburg HQ", "Am Sandtorkai 12, 20457 Hamburg", "Europe/Berlin"),
            ("Bremen depot", "Hafenstraße 3, 28217 Bremen", "Europe/Berlin"),
        ],
        "items": [
            ("Hamburg HQ", SBC, "5.4.0", "SB2406170031", "SBC-2U HA pair", "2"),
            ("Hamburg HQ", PHONE, "4.0.1", "", "KP-400", "180"),
            ("Bremen depot", SBC, "5.3.1", "SB2411050877", "SBC-1U", "1"),
            ("Bremen depot", PHONE, "3.9.0", "", "KP-200", "40"),
        ],
    },
    "Northwind Freight Ltd": {
        "sites": [("London office", "1 Canada Square, London E14 5AB", "Europe/London")],
        "items": [
            ("London office", SBC, "5.2.0", "SB2403120458", "SBC-1U", "1"),
            ("London office", EDGE, "2.1.0", "", "", "1"),
        ],
    },
    "Banca Alpina S.p.A.": {
        "sites": [
            ("Milano sede", "Via Dante 7, 20121 Milano", "Europe/Rome"),
            ("Lugano filiale", "Via Nassa 21, 6900 Lugano", "Europe/Zurich"),
        ],
        "items": [
            ("Milano sede", SBC, "6.0.0", "SB2604210015", "SBC-4U HA pair", "2"),
            ("Lugano filiale", PHONE, "3.8.2", "KP2409030112", "KP-400", "1"),
        ],
    },
}


def _entitlements(end: date) -> dict[str, list[ib.EntitlementInput]]:
    year = timedelta(days=365)
    return {
        "Müller Logistik GmbH": [
            ib.EntitlementInput(
                EntitlementKind.SUPPORT,
                "Premium support",
                None,
                None,
                "KC-2024-118",
                None,
                end - year,
                end + year,
            ),
            ib.EntitlementInput(
                EntitlementKind.LICENCE,
                "Kestrel SBC licence",
                SBC,
                None,
                "LIC-SBC-4471",
                500,
                end - 2 * year,
                None,
            ),
        ],
        # Support lapsed three weeks before the demo ends: its tickets say so to the agent.
        "Northwind Freight Ltd": [
            ib.EntitlementInput(
                EntitlementKind.SUPPORT,
                "Standard support",
                SBC,
                None,
                "KC-2023-052",
                None,
                end - 2 * year,
                end - timedelta(days=21),
            ),
        ],
        "Banca Alpina S.p.A.": [
            ib.EntitlementInput(
                EntitlementKind.SUPPORT,
                "Enterprise 24x7 support",
                None,
                None,
                "KC-2025-009",
                None,
                end - year,
                end + 2 * year,
            ),
            ib.EntitlementInput(
                EntitlementKind.LICENCE,
                "Kestrel DeskPhone seats",
                PHONE,
                "Lugano filiale",
                "LIC-KP-0913",
                25,
                end - year,
                end + year,
            ),
        ],
    }


INSTALLED_TICKETS = 2  # tickets this module adds to a build: one matched by serial, one by version


def plan_installed_bases(world: World, lead: Agent) -> list[TicketScript]:
    """Record the installed bases now (before the history is played) and plan the tickets
    that match them."""
    organisations = {c.organisation.name: c for c in world.customers}
    entitlements = _entitlements(world.end.date())
    for name, base in BASES.items():
        org_id = organisations[name].organisation.id or 0
        for site_name, address, timezone in base["sites"]:
            ib.add_site(world.desk, lead, org_id, ib.SiteInput(site_name, address, timezone))
        for site_name, product, version, serial, model, quantity in base["items"]:
            ib.add_item(
                world.desk,
                lead,
                org_id,
                ib.ItemInput(product, site_name, version, serial, model, quantity=int(quantity)),
            )
        for entitlement in entitlements[name]:
            ib.add_entitlement(world.desk, lead, org_id, entitlement)
    return [
        _ticket(
            world,
            organisations["Northwind Freight Ltd"].contacts[0],
            world.end - timedelta(days=2, hours=5),
            "SBC drops registrations after the weekend",
            "Our session border controller (serial number SB2403120458) stopped accepting "
            "SIP registrations on Monday morning; a restart helps for an hour.",
        ),
        _ticket(
            world,
            organisations["Müller Logistik GmbH"].contacts[0],
            world.end - timedelta(days=1, hours=3),
            "Depot-SBC: einseitige Sprachübertragung seit dem Update",
            "Seit wir den SBC im Depot Bremen auf Version 5.3.1 aktualisiert haben, hören "
            "Anrufer aus dem Depot ihr Gegenüber nicht mehr.",
        ),
    ]


def _ticket(world: World, contact: Contact, at: datetime, subject: str, body: str) -> TicketScript:
    script = world.script(at, contact.language or "en")
    script.open(
        contact,
        NewTicket(
            subject=subject,
            body_text=body,
            requester_id=contact.id,
            channel=Channel.PORTAL,
            type=TicketType.PROBLEM,
            priority=Priority.P2,
            catalog=CatalogRef(SBC, None, None),
            language=contact.language,
        ),
    )
    return script
