"""What levels 3 and 4 decided during the demo's nine months, played through the public services
on the same timeline as the ticket stories: known issues documented from recurring scenarios
(with their tickets linked and new ones answered with the documented fix in one step), defects
opened from an L3 hand-off packet (one fixed in a later release, so linked customers got the
version notice), L3's other outcomes (more information, solvable lower, bounces), incidents and
enhancement requests (``incident_world.py``). Content: ``content/workflow.json``.

The demo configures no issue tracker, so defects stay local (``defects.schedule_push`` only
queues a push when a tracker is set)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tierdesk.demo.content import CONTENT_DIR, Scenario
from tierdesk.demo.incident_world import plan_enhancements, plan_incidents
from tierdesk.demo.record_steps import (
    RecordId,
    Timeline,
    ToldTicket,
    load_workflow_content,
    unlinked_tickets,
)
from tierdesk.demo.routing_world import create_routing
from tierdesk.demo.script import TicketScript
from tierdesk.demo.world import World
from tierdesk.domain.defects import Severity
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent
from tierdesk.domain.tickets import Status
from tierdesk.services import defects, known_issues, l3_outcomes
from tierdesk.services.catalog import product_key

_WHY = {
    1: "Intake complete: needs an L1 {product} engineer",
    2: "Not covered by the L1 runbooks; needs trace and log analysis",
    3: "Needs a {product} expert to confirm the root cause and the way to fix it",
    4: "Product defect confirmed; needs a fix from {product} development",
}


def plan_workflow(
    world: World, scenarios: list[Scenario], content: Path = CONTENT_DIR
) -> list[TicketScript]:
    """Configure the queues and routing rules now (before the first ticket), and plan the
    level 3/4 records' history; returns the scripts to play with the ticket stories."""
    create_routing(world.desk, world.roster.agents, world.roster.lead)
    records = load_workflow_content(content)
    by_key = {s.key: s for s in scenarios}
    timeline = Timeline(world)
    scripts: list[TicketScript] = []
    for spec in records["known_issues"]:
        scripts += plan_known_issue(world, timeline, _scenario(by_key, spec), spec)
    for spec in records["defects"]:
        scripts.append(plan_defect(world, timeline, _scenario(by_key, spec), spec))
    scripts += plan_incidents(world, timeline, records["incidents"])
    plan_enhancements(world, timeline, records["enhancements"])
    return [timeline.script, *scripts]


def told_ticket_count(records: dict[str, Any]) -> int:
    """How many tickets the records' history opens besides the scenario and Hadoop ones."""
    return (
        sum(len(spec["answered"]) for spec in records["known_issues"])
        + len(records["defects"])
        + sum(len(s["tickets"]) + len(s["late_tickets"]) for s in records["incidents"])
    )


def _scenario(by_key: dict[str, Scenario], spec: dict[str, Any]) -> Scenario:
    return by_key[str(spec["scenario"])]


def _reasons(scenario: Scenario) -> dict[int, str]:
    return {tier: why.format(product=scenario.product) for tier, why in _WHY.items()}


def _author(world: World, scenario: Scenario, tier: int) -> Agent:
    return world.roster.pick(tier, "en", scenario.product)


# -- known issues ----------------------------------------------------------------------------


def plan_known_issue(
    world: World, timeline: Timeline, scenario: Scenario, spec: dict[str, Any]
) -> list[TicketScript]:
    """An L3 engineer documents the issue and links the scenario's tickets so far; later
    tickets are answered with the documented fix; at the end every ticket that hit it is
    linked."""
    issue = RecordId()
    author = _author(world, scenario, 3)
    published = world.when(spec["published"])

    def publish() -> None:
        created = known_issues.create_known_issue(
            world.desk,
            author,
            known_issues.KnownIssueInput(
                title=spec["title"],
                symptoms=spec["symptoms"],
                fix=spec["fix"],
                root_cause=spec["root_cause"],
                product=product_key(scenario.product),
                affected_versions=list(spec["affected_versions"]),
            ),
        )
        issue.value = created.id
        link_tagged_tickets()

    def link_tagged_tickets() -> None:
        linked = {t.id for t in known_issues.get_known_issue(world.desk, author, issue.id).tickets}
        for number in unlinked_tickets(world, spec["tag"], linked):
            known_issues.link_known_issue(world.desk, author, issue.id, number, send_fix=False)

    timeline.at(published, publish)
    timeline.at(world.end - timedelta(minutes=30), link_tagged_tickets)
    return [
        _answer_with_fix(
            world, scenario, issue, spec["title"], world.when(answer["opened"]), answer
        )
        for answer in spec["answered"]
    ]


def _answer_with_fix(
    world: World,
    scenario: Scenario,
    issue: RecordId,
    title: str,
    opened: datetime,
    answer: dict[str, Any],
) -> TicketScript:
    """A ticket answered with the issue's documented fix in one step: at L1, or at L3 (the
    "known fix" outcome) after L3 marked it solvable lower, or after L3 bounced it to L2."""
    level = int(answer["level"])
    told = ToldTicket.open(world, scenario, opened, level)
    intake = told.pick(0)
    reasons = _reasons(scenario) | {1: f"Matches a known issue for {scenario.product}"}
    holder = told.climb(intake, 0, 2 if "bounce" in answer else level, reasons)
    if "bounce" in answer:
        # Escalated once more than needed: L3 sends it back before accepting it.
        l2, l3 = holder, told.pick(3)
        told.later(90)
        told.script.escalate(l2, 3, reasons[3], told.handoff_note(l2))
        told.later(120)
        told.script.bounce(
            l3, "Solvable at L2: a known issue documents it", answer["bounce"].format(ki=title)
        )
        holder = l2
    if "solvable_lower" in answer:
        told.later(60)
        told.step(
            lambda: l3_outcomes.mark_solvable_lower(
                world.desk,
                holder,
                told.script.ref,
                answer["solvable_lower"].format(ki=f"KI-{issue.id} ({title})"),
            )
        )
    told.later(30)
    told.step(lambda: known_issues.link_known_issue(world.desk, holder, issue.id, told.script.ref))
    told.later(1)
    told.script.set_status(holder, Status.PENDING_CUSTOMER, "documented fix sent")
    told.customer_says(told.fill(told.text.customer_thanks, holder))
    told.later(30)
    told.script.solve(holder, f"Answered with the documented fix of the known issue: {title}")
    return told.script


# -- defects ---------------------------------------------------------------------------------


def plan_defect(
    world: World, timeline: Timeline, scenario: Scenario, spec: dict[str, Any]
) -> TicketScript:
    """A ticket climbs to L3, which (after asking for more information, when the spec says
    so) opens a defect from its hand-off packet and links the scenario's other tickets. With a
    ``fixed_in`` release the defect is marked fixed then, every linked customer gets the
    version notice and this customer confirms; without, L4 bounces the ticket back to L3,
    which sends the workaround and waits for the fix."""
    defect = RecordId()
    told = ToldTicket.open(world, scenario, world.when(spec["opened"]), 4)
    reasons = _reasons(scenario)
    l3 = told.climb(told.pick(0), 0, 3, reasons)
    if spec.get("more_information"):
        told.later(240)
        told.step(
            lambda: l3_outcomes.request_more_information(
                world.desk, l3, told.script.ref, list(spec["more_information"])
            )
        )
        told.customer_says(told.fill(told.text.customer_followup, l3))
    for note in scenario.internal_notes[:1]:
        told.later(180)
        told.script.write(l3, MessageKind.INTERNAL_NOTE, told.fill(note, l3))

    def open_defect() -> None:
        opened = defects.open_defect(
            world.desk,
            l3,
            told.script.ref,
            defects.DefectInput(
                title=spec["title"],
                severity=Severity(spec["severity"]),
                expected=spec["expected"],
                actual=spec["actual"],
                affected_versions=list(spec["affected_versions"]),
            ),
        )
        defect.value = opened.id
        link_tagged_tickets()

    def link_tagged_tickets() -> None:
        linked = {t.id for t in defects.get_defect(world.desk, l3, defect.id).tickets}
        for number in unlinked_tickets(world, spec["tag"], linked):
            defects.link_defect(world.desk, l3, defect.id, number)

    told.later(120)
    told.step(open_defect)
    timeline.at(world.end - timedelta(minutes=25), link_tagged_tickets)
    told.later(45)
    told.script.escalate(l3, 4, reasons[4], told.handoff_note(l3))
    l4 = told.pick(4)
    told.later(240)
    if spec.get("fixed_in"):
        told.script.accept(l4)
        told.later(30)
        told.script.set_status(l4, Status.PENDING_INTERNAL, "waiting for the fixed release")
        fixed_at = world.when(spec["fixed_at"])
        timeline.at(
            fixed_at, lambda: defects.mark_defect_fixed(world.desk, l4, defect.id, spec["fixed_in"])
        )
        told.script.cursor = max(told.script.cursor, fixed_at) + timedelta(hours=20)
        told.script.write(told.contact, MessageKind.CUSTOMER, spec["customer_after_fix"])
        told.later(60)
        told.script.solve(l4, scenario.resolution)
        return told.script
    told.script.bounce(l4, "Tracked by development; the fix ships in a hotfix", spec["l4_bounce"])
    told.later(60)
    told.script.write(l3, MessageKind.PUBLIC_REPLY, spec["workaround"])
    told.later(5)
    told.script.set_status(
        l3, Status.PENDING_INTERNAL, "workaround applied; waiting for the hotfix", "waiting"
    )
    return told.script
