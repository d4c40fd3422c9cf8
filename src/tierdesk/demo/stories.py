"""Tickets told from the support scenarios: the customer opens, an intake agent asks, the
customer answers, the ticket climbs the levels it needs (each step with a reason and a hand-off
note), an agent posts the solution, the customer thanks, the ticket is solved and later closed."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tierdesk.demo.catalog import product_named
from tierdesk.demo.content import Scenario, ScenarioText
from tierdesk.demo.facts import KNOWN_PLACEHOLDERS, PLACEHOLDER, TicketFacts
from tierdesk.demo.script import TicketScript
from tierdesk.demo.world import World
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Priority, Status, TicketType
from tierdesk.errors import ConfigurationError
from tierdesk.services.auth import SYSTEM
from tierdesk.services.tickets import CatalogRef, NewTicket

_WHY_LEVEL = {
    1: "Intake complete: needs an L1 {product} engineer",
    2: "Not covered by the L1 runbooks; needs trace and log analysis",
    3: "Needs a {product} expert to confirm the root cause and the way to fix it",
    4: "Product defect confirmed; needs a fix from {product} development",
}
# Chance that a ticket is left unfinished (so that queues are not empty), by how long before the
# end of the history it was opened: a desk's backlog is the work of the last days and weeks, so
# older tickets are all finished. The end of the history also cuts some tickets short.
UNFINISHED_BY_AGE = ((timedelta(days=14), 0.75), (timedelta(days=56), 0.5))
# Past its first week an open ticket is one that waits: on the customer, or on the lab.
STILL_IN_PROGRESS_WITHIN = timedelta(days=7)
_WAITING = ("pending-customer", "solution-proposed", "lab-L3", "lab-L4")


@dataclass(frozen=True)
class _Case:
    """One scenario told as one ticket: who, in which language, with which facts."""

    world: World
    scenario: Scenario
    script: TicketScript
    contact: Contact
    organisation: str
    language: str
    text: ScenarioText
    facts: TicketFacts
    product: str
    priority: Priority

    def fill(self, template: str, agent: Agent) -> str:
        return self.facts.fill(template, self.language, self.contact.name, agent.name)

    def pick(self, tier: int) -> Agent:
        return self.world.roster.pick(tier, self.language, self.product)


def plan_scenario_ticket(world: World, scenario: Scenario, opened: datetime) -> TicketScript:
    customer = world.pick_customer(scenario.resolved_at_tier, set(scenario.texts))
    contact = world.pick_contact(customer)
    language, text = scenario.text_in(contact.language or "en")
    product = product_named(scenario.product)
    domain = customer.organisation.email_domains[0]
    case = _Case(
        world=world,
        scenario=scenario,
        script=world.script(opened, language),
        contact=contact,
        organisation=customer.organisation.name,
        language=language,
        text=text,
        facts=TicketFacts.draw(world.rng, product, domain, opened, pinned_version(scenario)),
        product=product.name,
        priority=Priority(scenario.priority),
    )
    case.script.scenario = scenario.key  # the articles are written per scenario
    intake = _open_and_clarify(case)
    solver = _climb(case, intake)
    _solve(case, solver)
    _settle(world, case.script)
    return case.script


def _open_and_clarify(case: _Case) -> Agent:
    """The customer writes (or calls), an intake agent takes it and asks what is missing, the
    customer answers. Returns the intake agent."""
    rng, script, text = case.world.rng, case.script, case.text
    intake = case.pick(0)
    channel = rng.choices((Channel.EMAIL, Channel.PORTAL, Channel.PHONE), (6, 3, 1))[0]
    script.open(
        intake if channel is Channel.PHONE else case.contact,
        NewTicket(
            subject=case.fill(text.subject, intake),
            body_text=case.fill(text.body, intake),
            requester_id=case.contact.id,
            channel=channel,
            type=TicketType(case.scenario.type),
            priority=case.priority,
            catalog=CatalogRef(case.product, case.scenario.component, case.facts.version),
            language=case.language,
            tags=list(case.scenario.tags),
        ),
    )
    script.wait(case.world.agent_delay(case.priority))
    script.assign(intake, intake)
    script.wait(timedelta(minutes=rng.randint(3, 25)))
    script.write(intake, MessageKind.PUBLIC_REPLY, case.fill(text.agent_question, intake))
    script.wait(timedelta(minutes=1))
    script.set_status(
        intake, Status.PENDING_CUSTOMER, "asked the customer for details", "pending-customer"
    )
    script.wait(case.world.customer_delay())
    script.write(
        case.contact,
        MessageKind.CUSTOMER,
        case.fill(text.customer_followup, intake),
        milestone="answered",
    )
    return intake


def _climb(case: _Case, intake: Agent) -> Agent:
    """Escalate level by level up to where the scenario is solved, each step with a reason and
    a hand-off note, internal notes along the way. Returns the agent who solves it."""
    world, rng, script = case.world, case.world.rng, case.script
    notes = list(case.scenario.internal_notes)
    handled_by = intake
    tried: list[str] = []
    for tier in range(1, case.scenario.resolved_at_tier + 1):
        script.wait(world.work_delay(tier - 1))
        if tier > 1 and notes:
            note = case.fill(notes.pop(0), handled_by)
            script.write(handled_by, MessageKind.INTERNAL_NOTE, note)
            tried.append(note)
            script.wait(timedelta(minutes=rng.randint(5, 90)))
        script.escalate(
            handled_by,
            tier,
            _reason(case.scenario, tier, case.product),
            case.fill(_handoff_note(case, tried), handled_by),
        )
        handled_by = case.pick(tier)
        script.wait(world.agent_delay(case.priority))
        script.accept(handled_by, milestone=f"at-L{tier}")
        if tier == 1 and case.priority is Priority.P3 and rng.random() < 0.08:
            script.set_priority(
                handled_by, Priority.P2, "several sites affected, no workaround in place"
            )
        if tier >= 3 and rng.random() < 0.5:
            script.wait(timedelta(hours=rng.randint(1, 6)))
            script.set_status(
                handled_by,
                Status.PENDING_INTERNAL,
                "reproducing in the lab",
                milestone=f"lab-L{tier}",
            )
    if case.scenario.resolved_at_tier == 1 and rng.random() < 0.1:
        _bounce(case, handled_by)
    for note in notes:
        script.wait(timedelta(minutes=rng.randint(20, 240)))
        script.write(handled_by, MessageKind.INTERNAL_NOTE, case.fill(note, handled_by))
    return handled_by


def _solve(case: _Case, solver: Agent) -> None:
    """The solution reply, the customer's thanks, and the resolution."""
    world, script = case.world, case.script
    script.wait(world.work_delay(case.scenario.resolved_at_tier))
    script.write(solver, MessageKind.PUBLIC_REPLY, case.fill(case.text.agent_solution, solver))
    script.wait(timedelta(minutes=1))
    script.set_status(
        solver, Status.PENDING_CUSTOMER, "solution proposed", milestone="solution-proposed"
    )
    script.wait(world.customer_delay())
    script.write(case.contact, MessageKind.CUSTOMER, case.fill(case.text.customer_thanks, solver))
    script.wait(timedelta(minutes=world.rng.randint(5, 120)))
    script.solve(solver, case.fill(case.scenario.resolution, solver))


def _reason(scenario: Scenario, tier: int, product: str) -> str:
    # The scenarios' escalation reason says why L1 could not finish the case.
    if tier == 2 and scenario.escalation_reason:
        return scenario.escalation_reason
    return _WHY_LEVEL[tier].format(product=product)


def _handoff_note(case: _Case, tried: list[str]) -> str:
    facts = case.facts
    lines = [
        f"Customer: {case.contact.name} ({case.organisation}).",
        f"Reported: {case.text.subject}",
        f"Product: {case.product} {facts.version}, {case.scenario.component}; "
        f"host {facts.hostname} ({facts.ip}), serial {facts.serial}.",
        "Clarifying questions answered by the customer (see thread).",
    ]
    lines += [f"Tried: {textwrap.shorten(note, 300, placeholder=' …')}" for note in tried]
    return "\n".join(lines)


def _bounce(case: _Case, l1: Agent) -> None:
    """An escalation L2 sends back down with guidance: the manual covers it."""
    world, script = case.world, case.script
    senior = case.pick(2)
    script.wait(world.work_delay(1))
    script.escalate(
        l1,
        2,
        "Could not reproduce with the L1 checklist; asking L2",
        "Customer answered the clarifying questions; checklist steps 1-4 done without effect.",
    )
    script.wait(world.agent_delay(Priority.P3))
    script.bounce(
        senior,
        f"Documented in the {case.product} manual; L1 can solve it",
        "See the troubleshooting chapter of the manual: the configuration described there "
        "matches the customer's symptoms. Walk them through it.",
    )


def _settle(world: World, script: TicketScript) -> None:
    """Close old solved tickets; leave a share of tickets unfinished so queues are not empty."""
    rng = world.rng
    if script.stop_before(world.end):
        return
    age = world.end - script.opened_at
    chance = next((p for younger_than, p in UNFINISHED_BY_AGE if age < younger_than), 0.0)
    if rng.random() < chance:
        stops = [m for m in script.milestones() if m not in ("solved", "closed")]
        if age >= STILL_IN_PROGRESS_WITHIN:
            stops = [m for m in stops if m in _WAITING] or stops
        script.stop_after(rng.choice(stops))
        return
    closing = script.cursor + timedelta(days=7, hours=rng.randint(0, 20))
    if closing < world.end and rng.random() < 0.7:
        script.cursor = closing
        script.close(SYSTEM, "closed automatically 7 days after it was solved")


def plan_scenario_tickets(
    world: World, scenarios: list[Scenario], count: int
) -> list[TicketScript]:
    """``count`` tickets spread over the demo period, each scenario told about equally often
    (a scenario about a given release only after that release came out)."""
    check_scenarios(scenarios)
    release_dates = {s.key: _release_date(s) for s in scenarios}
    queue: list[Scenario] = []
    planned = []
    for opened in world.opening_times(count):
        day = opened.date()
        released = [s for s in queue if release_dates[s.key] <= day]
        if not released:
            batch = [s for s in scenarios if release_dates[s.key] <= day]
            world.rng.shuffle(batch)
            queue += batch
            released = [s for s in queue if release_dates[s.key] <= day]
        queue.remove(released[0])
        planned.append(plan_scenario_ticket(world, released[0], opened))
    return planned


def pinned_version(scenario: Scenario) -> str | None:
    """The release a scenario's text is about, when it names one: the first the customer
    mentions, else the first the resolution mentions."""
    product = product_named(scenario.product)
    english = scenario.texts.get("en") or next(iter(scenario.texts.values()))
    for text in (english.subject + " " + english.body, scenario.resolution):
        found = sorted(
            (match.start(), name)
            for name, _ in product.versions
            for match in re.finditer(rf"(?<![\d.]){re.escape(name)}(?!\.?\d)", text)
        )
        if found:
            return found[0][1]
    return None


def _release_date(scenario: Scenario) -> date:
    """From when the scenario can happen: the release date of the version it is about."""
    version = pinned_version(scenario)
    if version is None:
        return date.min
    return dict(product_named(scenario.product).versions)[version]


def check_scenarios(scenarios: list[Scenario]) -> None:
    """Refuse content that names what the demo catalogue does not have."""
    if not scenarios:
        raise ConfigurationError("demo content: scenarios.json holds no scenarios")
    problems = []
    for s in scenarios:
        try:
            product = product_named(s.product)
        except KeyError:
            problems.append(f"{s.key}: unknown product {s.product!r}")
            continue
        if s.component not in product.components:
            problems.append(f"{s.key}: {s.product} has no component {s.component!r}")
        if s.type not in set(TicketType) or s.priority not in set(Priority):
            problems.append(f"{s.key}: unknown type {s.type!r} or priority {s.priority!r}")
        if not 0 <= s.resolved_at_tier <= 4:
            problems.append(f"{s.key}: resolved_at_tier {s.resolved_at_tier} is not 0-4")
        unknown = {
            name
            for text in s.texts.values()
            for part in (*vars(text).values(), *s.internal_notes, s.resolution)
            for name in PLACEHOLDER.findall(part)
        } - KNOWN_PLACEHOLDERS
        if unknown:
            problems.append(f"{s.key}: unknown placeholders {sorted(unknown)}")
    if problems:
        raise ConfigurationError("demo content: " + "; ".join(problems))
