"""The demo's hardware replacement (issue 21 item 4): Müller Logistik's warehouse phone system
lost a KP-400 base station; an L1 engineer requests an advance replacement on the customer's
ticket, an L2 engineer approves it and ships the new unit, so the installed base shows the
replacement's serial and the old unit as replaced. Small and quick: one ticket, one RMA."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tierdesk.adapters.clock import FixedClock
from tierdesk.demo.cast import Customer
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Agent
from tierdesk.domain.rmas import Rma, RmaKind
from tierdesk.services import installed_base as ib
from tierdesk.services import rmas, tickets
from tierdesk.services.desk import Desk

ORGANISATION = "Müller Logistik GmbH"
SITE = ib.SiteInput(
    "Hamburg Lager 3", "Müller Logistik GmbH, Lager 3, Hafenstraße 12, 20457 Hamburg"
)
RMA_TICKETS = 1  # tickets this module adds to a build: the dead base station's
FAULTY = "KP4-2311-0042"
REPLACEMENT = "KP4-2405-0917"


@dataclass(frozen=True)
class RmaDemo:
    ticket: str
    rma: Rma


def _agent(agents: list[Agent], email: str) -> Agent:
    return next(a for a in agents if a.email == email)


def replace_base_station(
    desk: Desk, clock: FixedClock, agents: list[Agent], customers: list[Customer], end: datetime
) -> RmaDemo:
    back_to = clock.now()
    customer = next(c for c in customers if c.organisation.name == ORGANISATION)
    lead = _agent(agents, "marco.bellini@kestrel.example")
    l1 = _agent(agents, "anna.keller@kestrel.example")
    l2 = _agent(agents, "jonas.weber@kestrel.example")
    organisation = customer.organisation.id or 0

    clock.at = (end - timedelta(days=4)).replace(hour=8, minute=40, second=0, microsecond=0)
    site = ib.add_site(desk, lead, organisation, SITE)
    for serial in (FAULTY, "KP4-2311-0043"):
        ib.add_item(
            desk,
            lead,
            organisation,
            ib.ItemInput(
                "Kestrel DeskPhone", site.name, "4.0.1", serial, "KP-400 DECT base station"
            ),
        )
    clock.advance(timedelta(hours=1))
    ticket = tickets.open_ticket(
        desk,
        customer.contacts[0],
        tickets.NewTicket(
            subject="DECT-Basisstation in Lager 3 ausgefallen",
            body_text=(
                "Seit heute Morgen ist die Basisstation in Lager 3 tot: keine LED, die "
                f"Mobilteile finden kein Netz. Seriennummer: {FAULTY}. Ein Neustart und ein "
                "anderer PoE-Port haben nichts geändert."
            ),
            channel=Channel.PORTAL,
            language="de",
        ),
    )
    number = ticket.number or ""
    clock.advance(timedelta(minutes=50))
    [item] = [
        i for i in ib.installed_base(desk, lead, organisation).items if i.serial_number == FAULTY
    ]
    [rma] = rmas.request_rmas(
        desk,
        l1,
        number,
        rmas.RmaRequest(
            [item.id or 0],
            "Basisstation ohne Strom (keine LED) an zwei PoE-Ports; Mobilteile ohne Netz.",
            RmaKind.ADVANCE_REPLACEMENT,
            "180.00",
        ),
        channel=Channel.WEB,
    )
    clock.advance(timedelta(hours=2))
    rmas.approve_rma(desk, l2, rma.id or 0, channel=Channel.WEB)
    clock.advance(timedelta(hours=20))
    shipped = rmas.ship_rma(
        desk, l2, rma.id or 0, REPLACEMENT, "DHL 00340434161094042557", channel=Channel.WEB
    )
    clock.at = max(back_to, end)
    return RmaDemo(number, shipped)
