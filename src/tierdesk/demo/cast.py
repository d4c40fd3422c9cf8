"""Who is in the demo world: Kestrel's support engineers and its customers."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from tierdesk.demo.sign_ins import demo_password_for
from tierdesk.domain.people import Agent, Contact, Organisation, Role
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    plan: str
    country: str
    timezone: str
    domain: str
    language: str
    contacts: tuple[str, ...]
    weight: int  # how many tickets, relatively, this customer opens


ORGANISATIONS = (
    DemoOrganisation(
        name="Müller Logistik GmbH",
        plan="premium",
        country="DE",
        timezone="Europe/Berlin",
        domain="mueller-logistik.example",
        language="de",
        contacts=("Anna Schmidt", "Jürgen Vogel", "Katrin Becker", "Stefan Wagner"),
        weight=5,
    ),
    DemoOrganisation(
        name="Stadtwerke Rheinau",
        plan="basic",
        country="DE",
        timezone="Europe/Berlin",
        domain="stadtwerke-rheinau.example",
        language="de",
        contacts=("Thomas Krüger", "Sabine Hoffmann"),
        weight=2,
    ),
    DemoOrganisation(
        name="Banca Alpina S.p.A.",
        plan="premium",
        country="IT",
        timezone="Europe/Rome",
        domain="bancaalpina.example",
        language="it",
        contacts=("Giorgio Ferrari", "Chiara Esposito", "Luca Conti"),
        weight=4,
    ),
    DemoOrganisation(
        name="Clinique Saint-Roch",
        plan="standard",
        country="FR",
        timezone="Europe/Paris",
        domain="clinique-saint-roch.example",
        language="fr",
        contacts=("Sophie Laurent", "Nicolas Girard", "Élodie Moreau"),
        weight=3,
    ),
    DemoOrganisation(
        name="Hoteles Costa Brava S.L.",
        plan="basic",
        country="ES",
        timezone="Europe/Madrid",
        domain="hotelescostabrava.example",
        language="es",
        contacts=("Javier Martínez", "Lucía Fernández", "Carmen Ruiz"),
        weight=3,
    ),
    DemoOrganisation(
        name="Northwind Freight Ltd",
        plan="standard",
        country="GB",
        timezone="Europe/London",
        domain="northwind-freight.example",
        language="en",
        contacts=("Oliver Bennett", "Emily Clarke", "Harry Walsh"),
        weight=3,
    ),
    DemoOrganisation(
        name="Lakeside Medical Group",
        plan="premium",
        country="US",
        timezone="America/Chicago",
        domain="lakesidemedical.example",
        language="en",
        contacts=("Rachel Kim", "David Thompson", "Maria Gonzalez", "Kevin O'Brien"),
        weight=4,
    ),
)


@dataclass(frozen=True)
class DemoAgent:
    name: str
    email: str
    tiers: tuple[int, ...]
    languages: tuple[str, ...]
    skills: tuple[str, ...] = ()
    role: Role = Role.AGENT


_ALL = ("Kestrel SBC", "Kestrel DeskPhone", "Kestrel Edge", "Kestrel CallStats")
_VOICE = ("Kestrel SBC", "Kestrel DeskPhone")
_DATA = ("Kestrel Edge", "Kestrel CallStats")

AGENTS = (
    DemoAgent("Ingrid Solberg", "admin@kestrel.example", (3,), ("en",), _ALL, Role.ADMIN),
    DemoAgent(
        "Marco Bellini", "marco.bellini@kestrel.example", (1, 2), ("en", "it"), _ALL, Role.LEAD
    ),
    DemoAgent("Lukas Brandt", "lukas.brandt@kestrel.example", (0,), ("de", "en")),
    DemoAgent("Chloé Martin", "chloe.martin@kestrel.example", (0,), ("fr", "en")),
    DemoAgent("Sofia Reyes", "sofia.reyes@kestrel.example", (0,), ("es", "en")),
    DemoAgent("Giulia Romano", "giulia.romano@kestrel.example", (0, 1), ("it", "en"), _VOICE),
    DemoAgent("Tom Fletcher", "tom.fletcher@kestrel.example", (0, 1), ("en",), _ALL),
    DemoAgent("Anna Keller", "anna.keller@kestrel.example", (1,), ("de", "en"), _ALL),
    DemoAgent("Pablo Ortega", "pablo.ortega@kestrel.example", (1,), ("es", "en"), _VOICE),
    DemoAgent("Camille Dubois", "camille.dubois@kestrel.example", (1,), ("fr", "en"), _ALL),
    DemoAgent("Priya Nair", "priya.nair@kestrel.example", (2,), ("en",), _VOICE),
    DemoAgent("Jonas Weber", "jonas.weber@kestrel.example", (2,), ("de", "en"), _DATA),
    DemoAgent("Elena Rossi", "elena.rossi@kestrel.example", (2,), ("it", "en", "fr"), _ALL),
    DemoAgent("Henrik Lindqvist", "henrik.lindqvist@kestrel.example", (3,), ("en",), _VOICE),
    DemoAgent("Yuki Tanaka", "yuki.tanaka@kestrel.example", (3,), ("en",), _DATA),
    DemoAgent("Raj Patel", "raj.patel@kestrel.example", (4,), ("en",), _VOICE),
    DemoAgent("Olga Petrova", "olga.petrova@kestrel.example", (4,), ("en", "de"), _DATA),
)


@dataclass(frozen=True)
class Customer:
    organisation: Organisation
    plan_tier: int  # the highest level the organisation's plan reaches
    contacts: tuple[Contact, ...]
    weight: int


def _email(name: str, domain: str) -> str:
    """ "Jürgen Vogel" -> juergen.vogel@domain; other accents are dropped ("é" -> "e")."""
    local = name.lower().replace("'", "")
    for umlaut, spelled in (("ü", "ue"), ("ö", "oe"), ("ä", "ae")):
        local = local.replace(umlaut, spelled)
    ascii_only = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    return f"{ascii_only.replace(' ', '.')}@{domain}"


def create_customers(desk: Desk) -> list[Customer]:
    plans = {p.key: int(p.highest_tier) for p in people.list_plans(desk)}
    customers = []
    for spec in ORGANISATIONS:
        organisation = people.create_organisation(
            desk,
            SYSTEM,
            people.NewOrganisation(
                name=spec.name,
                plan=spec.plan,
                email_domains=[spec.domain],
                country=spec.country,
                timezone=spec.timezone,
            ),
        )
        contacts = tuple(
            people.create_contact(
                desk,
                SYSTEM,
                people.NewContact(
                    email=_email(name, spec.domain),
                    name=name,
                    organisation=spec.name,
                    language=spec.language,
                    password=demo_password_for(_email(name, spec.domain)),
                ),
            ).contact
            for name in spec.contacts
        )
        customers.append(Customer(organisation, plans[spec.plan], contacts, spec.weight))
    return customers


def create_agents(desk: Desk) -> list[Agent]:
    return [
        people.create_agent(
            desk,
            SYSTEM,
            people.NewAgent(
                email=spec.email,
                name=spec.name,
                tiers=list(spec.tiers),
                role=spec.role,
                skills=list(spec.skills),
                languages=list(spec.languages),
                password=demo_password_for(spec.email),
            ),
        )
        for spec in AGENTS
    ]


class Roster:
    """Picks who handles a ticket at each level: someone who works that level, preferring those
    who speak the customer's language and know the product."""

    def __init__(self, agents: list[Agent], rng: random.Random) -> None:
        self.agents = agents
        self.rng = rng

    def pick(self, tier: int, language: str, product: str) -> Agent:
        at_tier = [a for a in self.agents if tier in a.tiers and a.role is Role.AGENT]
        at_tier = at_tier or [a for a in self.agents if tier in a.tiers]
        for ranked in (
            [a for a in at_tier if language in a.languages and product in a.skills],
            [a for a in at_tier if language in a.languages and not a.skills],
            [a for a in at_tier if language in a.languages],
            [a for a in at_tier if product in a.skills],
            at_tier,
        ):
            if ranked:
                return self.rng.choice(ranked)
        raise LookupError(f"the demo has no agent at level {tier}")

    @property
    def lead(self) -> Agent:
        return next(a for a in self.agents if a.role is Role.LEAD)
