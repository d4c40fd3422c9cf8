"""A desk that routes by language, built through the real services: two intake queues at L1
(German, English), a rule for each language, and two members in both queues, one of whom
speaks German."""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import make_organisation, suffix
from tierdesk.domain.people import Agent, Organisation, Role, Tier
from tierdesk.services import people, queues
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

GERMAN = (
    "Guten Tag, seit dem Update gestern Abend hören uns die Anrufer nicht mehr. Die Telefone "
    "klingeln, aber nach dem Abnehmen bleibt die Leitung auf unserer Seite stumm."
)
ENGLISH = (
    "Hello, since yesterday's update callers cannot hear us any more. The phones ring, but "
    "once we pick up the line stays silent on our side."
)


@dataclass
class LanguageDesk:
    organisation: Organisation
    greta: Agent  # speaks German and English
    eddie: Agent  # speaks English only
    lead: Agent


def language_desk(desk: Desk) -> LanguageDesk:
    for key, name, languages in (
        ("intake-de", "German intake", ["de"]),
        ("intake-en", "English intake", ["en"]),
    ):
        queues.create_queue(desk, SYSTEM, queues.NewQueue(key, name, Tier.L1, languages=languages))
        queues.create_routing_rule(
            desk,
            SYSTEM,
            queues.NewRoutingRule(name=name, queue=key, conditions={"languages": languages}),
        )

    def member(name: str, languages: list[str]) -> Agent:
        return people.create_agent(
            desk,
            SYSTEM,
            people.NewAgent(
                email=f"{name.lower()}-{suffix()}@kestrel.example",
                name=name,
                tiers=[1],
                languages=languages,
                queues=["intake-de", "intake-en"],
            ),
        )

    # Eddie first: among equals routing would pick him, so Greta is chosen for her German.
    eddie = member("Eddie", ["en"])
    greta = member("Greta", ["de", "en"])
    lead = people.create_agent(
        desk,
        SYSTEM,
        people.NewAgent(
            email=f"lead-{suffix()}@kestrel.example",
            name="Lia",
            tiers=[0, 1, 2, 3, 4],
            role=Role.LEAD,
        ),
    )
    return LanguageDesk(make_organisation(desk), greta, eddie, lead)
