"""A small routing world built through the real services: a product with components, queues at
L1 and L2, and agents who differ in language, skill and load."""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import make_contact, make_organisation, suffix
from tierdesk.domain.catalog import Product
from tierdesk.domain.people import Agent, Contact, Role, Tier
from tierdesk.domain.tickets import Priority, Ticket, TicketType
from tierdesk.services import catalog, people, queues, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def make_sbc(desk: Desk) -> Product:
    return catalog.create_product(
        desk,
        SYSTEM,
        catalog.NewProduct(
            name="Kestrel SBC",
            key="kestrel-sbc",
            components=["Media Relay", "SIP Trunk"],
            versions=[("7.2", None)],
        ),
    )


def make_member(
    desk: Desk,
    name: str,
    *,
    queue: str,
    tiers: list[int] | None = None,
    languages: list[str] | None = None,
    skills: list[str] | None = None,
    capacity: int = 20,
) -> Agent:
    return people.create_agent(
        desk,
        SYSTEM,
        people.NewAgent(
            email=f"{name.lower()}-{suffix()}@kestrel.example",
            name=name,
            tiers=tiers or [1],
            languages=languages or ["en"],
            skills=skills or [],
            queues=[queue],
            capacity=capacity,
        ),
    )


@dataclass
class RoutingWorld:
    product: Product
    anna: Agent  # L1, speaks de and en, knows Kestrel SBC
    ben: Agent  # L1, speaks en, knows the Media Relay component
    lead: Agent
    german: Contact  # on the standard plan, writes German
    english: Contact  # on the basic plan, writes English


def routing_world(desk: Desk) -> RoutingWorld:
    """Queues l1-sbc (L1, Kestrel SBC), l1-general (L1, every product), l2-sbc (L2, Kestrel
    SBC); one routing rule sending SBC problems on the standard or premium plan to l1-sbc, a
    catch-all rule for P1/P2 to l1-general."""
    product = make_sbc(desk)
    for key, name, tier, product_key in (
        ("l1-sbc", "L1 Kestrel SBC", Tier.L1, "kestrel-sbc"),
        ("l1-general", "L1 everything else", Tier.L1, None),
        ("l2-sbc", "L2 Kestrel SBC", Tier.L2, "kestrel-sbc"),
    ):
        queues.create_queue(desk, SYSTEM, queues.NewQueue(key, name, tier, product_key))
    queues.create_routing_rule(
        desk,
        SYSTEM,
        queues.NewRoutingRule(
            name="SBC on paid plans",
            queue="l1-sbc",
            conditions={"products": ["kestrel-sbc"], "plans": ["standard", "premium"]},
        ),
    )
    queues.create_routing_rule(
        desk,
        SYSTEM,
        queues.NewRoutingRule(
            name="Urgent anything", queue="l1-general", conditions={"priorities": ["P1", "P2"]}
        ),
    )
    anna = make_member(desk, "Anna", queue="l1-sbc", languages=["de", "en"], skills=["Kestrel SBC"])
    ben = make_member(desk, "Ben", queue="l1-sbc", languages=["en"], skills=["Media Relay"])
    lead = people.create_agent(
        desk,
        SYSTEM,
        people.NewAgent(
            email=f"lead-{suffix()}@kestrel.example", name="Lena", tiers=[0, 1, 2], role=Role.LEAD
        ),
    )
    standard = make_organisation(desk, plan="standard")
    basic = make_organisation(desk, plan="basic")
    return RoutingWorld(
        product=product,
        anna=anna,
        ben=ben,
        lead=lead,
        german=make_contact(desk, organisation=standard, language="de"),
        english=make_contact(desk, organisation=basic, language="en"),
    )


SINCE_THE_UPDATE = {
    "en": "Since the update callers cannot hear us.",
    "de": "Seit dem Update hören uns die Anrufer nicht mehr.",
}


def open_problem(
    desk: Desk,
    contact: Contact,
    *,
    component: str | None = None,
    priority: Priority = Priority.P2,
    product: str | None = "kestrel-sbc",
    language: str | None = None,
) -> Ticket:
    return tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(
            subject=f"One-way audio {suffix()}",
            # in the contact's language: the ticket takes the language its message is written in
            body_text=SINCE_THE_UPDATE.get(contact.language or "en", SINCE_THE_UPDATE["en"]),
            type=TicketType.PROBLEM,
            priority=priority,
            catalog=tickets.CatalogRef(product, component),
            language=language,
        ),
    )
