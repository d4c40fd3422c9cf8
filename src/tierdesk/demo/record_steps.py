"""What the demo's level 3/4 records (known issues, defects, incidents, enhancement requests)
share while they are planned: timed steps on the common timeline, tickets told from a scenario
with a chosen ending, and finding the tickets of a scenario as they stand when a step runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tierdesk.demo.cast import Customer
from tierdesk.demo.catalog import product_named
from tierdesk.demo.content import Scenario, ScenarioText
from tierdesk.demo.facts import TicketFacts
from tierdesk.demo.script import Step, TicketScript
from tierdesk.demo.stories import pinned_version
from tierdesk.demo.world import World
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Priority, TicketType
from tierdesk.errors import ConfigurationError
from tierdesk.ports import TicketFilter
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.tickets import CatalogRef, NewTicket


def load_workflow_content(content: Path) -> dict[str, Any]:
    path = content / "workflow.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as problem:
        raise ConfigurationError(f"demo content: cannot read {path}: {problem}") from problem
    missing = {"known_issues", "defects", "incidents", "enhancements"} - set(data)
    if missing:
        raise ConfigurationError(f"demo content: workflow.json lacks {sorted(missing)}")
    return dict(data)


@dataclass
class RecordId:
    """The id of a record a later step needs, known once the step creating it has run."""

    value: int | None = None

    @property
    def id(self) -> int:
        if self.value is None:
            raise RuntimeError("a demo step ran before the record it needs was created")
        return self.value


class Timeline:
    """Steps that belong to no single ticket (creating a record, sweeping tickets into it),
    played in time order with every ticket's steps."""

    def __init__(self, world: World) -> None:
        self.script = world.script(world.start, "en")

    def at(self, when: datetime, run: Callable[[], object]) -> None:
        self.script.steps.append(Step(when, run, None))


def unlinked_tickets(world: World, tag: str, linked: set[int | None]) -> list[str]:
    """The numbers of a scenario's tickets, as they stand when the step runs, that are not
    ``linked`` yet (each scenario the records use has a tag of its own)."""
    found = tickets.list_tickets(world.desk, SYSTEM, TicketFilter(tag=tag), 10_000).tickets
    return [t.number for t in found if t.number and t.id not in linked]


@dataclass
class ToldTicket:
    """One ticket told from a scenario's texts, whose ending the caller scripts."""

    world: World
    scenario: Scenario
    script: TicketScript
    contact: Contact
    language: str
    text: ScenarioText
    facts: TicketFacts
    intake: Agent | None = None  # the L0 agent who took the ticket when it was opened

    @classmethod
    def open(
        cls,
        world: World,
        scenario: Scenario,
        opened: datetime,
        deepest: int,
        customer: Customer | None = None,
        contact: Contact | None = None,
    ) -> ToldTicket:
        """The customer writes in; routing puts the ticket in the intake queue of their
        language and the intake agent takes it. ``customer`` and ``contact`` (one of theirs)
        default to a random pick of a customer whose plan reaches ``deepest``."""
        if customer is None or contact is None:
            customer = world.pick_customer(deepest, set(scenario.texts))
            contact = world.pick_contact(customer)
        language, text = scenario.text_in(contact.language or "en")
        product = product_named(scenario.product)
        domain = customer.organisation.email_domains[0]
        told = cls(
            world=world,
            scenario=scenario,
            script=world.script(opened, language),
            contact=contact,
            language=language,
            text=text,
            facts=TicketFacts.draw(world.rng, product, domain, opened, pinned_version(scenario)),
        )
        intake = told.pick(0)
        told.script.open(
            contact,
            NewTicket(
                subject=told.fill(text.subject, intake),
                body_text=told.fill(text.body, intake),
                requester_id=contact.id,
                channel=Channel.PORTAL,
                type=TicketType(scenario.type),
                priority=Priority(scenario.priority),
                catalog=CatalogRef(scenario.product, scenario.component, told.facts.version),
                language=language,
                tags=list(scenario.tags),
            ),
        )
        told.script.wait(world.agent_delay(Priority(scenario.priority)))
        told.script.assign(intake, intake)
        told.intake = intake
        return told

    def fill(self, template: str, agent: Agent) -> str:
        return self.facts.fill(template, self.language, self.contact.name, agent.name)

    def pick(self, tier: int) -> Agent:
        return self.world.roster.pick(tier, self.language, self.scenario.product)

    def climb(self, handled_by: Agent, start: int, to: int, reasons: dict[int, str]) -> Agent:
        """Escalate level by level from ``start`` up to ``to``, each accepted by a member of
        the level; returns who holds the ticket there."""
        for tier in range(start + 1, to + 1):
            self.script.wait(self.world.work_delay(tier - 1))
            self.script.escalate(handled_by, tier, reasons[tier], self.handoff_note(handled_by))
            handled_by = self.pick(tier)
            self.script.wait(self.world.agent_delay(Priority(self.scenario.priority)))
            self.script.accept(handled_by)
        return handled_by

    def handoff_note(self, agent: Agent) -> str:
        facts = self.facts
        return "\n".join(
            [
                f"Customer: {self.contact.name}.",
                f"Reported: {self.fill(self.text.subject, agent)}",
                f"Product: {self.scenario.product} {facts.version}, {self.scenario.component}; "
                f"host {facts.hostname} ({facts.ip}), serial {facts.serial}.",
                "Tried: checked the symptoms against the runbook and the thread.",
            ]
        )

    def step(self, run: Callable[[], object], milestone: str | None = None) -> None:
        self.script.steps.append(Step(self.script.cursor, run, milestone))

    def customer_says(self, text: str) -> None:
        self.script.wait(self.world.customer_delay())
        self.script.write(self.contact, MessageKind.CUSTOMER, text)

    def later(self, minutes: int) -> None:
        self.script.wait(timedelta(minutes=minutes))
