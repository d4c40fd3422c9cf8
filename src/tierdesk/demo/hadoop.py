"""Kestrel CallStats tickets told from real public Apache Hadoop bug reports (GitBugs, CC BY 4.0,
see content/NOTICE.md). The reports' text is kept as the customers' words; duplicate pairs
become ``duplicate-of`` links, and some duplicates are merged into the earlier ticket."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tierdesk.demo.cast import Customer
from tierdesk.demo.catalog import product_named
from tierdesk.demo.content import HadoopIssue, HadoopSubset
from tierdesk.demo.script import TicketScript
from tierdesk.demo.world import World
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Agent
from tierdesk.domain.tickets import LinkKind, Priority, Status, TicketType
from tierdesk.services.auth import SYSTEM
from tierdesk.services.tickets import CatalogRef, NewTicket

PRODUCT = "Kestrel CallStats"
SHARE_IN_PAIRS = 0.75  # of the chosen reports, how many are ends of a duplicate pair
MERGE_CHANCE = 0.35  # a duplicate of the same customer is merged rather than only linked
# Reports upstream never settled stay open on the desk only when they came in this recently.
STILL_OPEN_WITHIN = timedelta(days=45)

_PRIORITY = {
    "Blocker": Priority.P1,
    "Critical": Priority.P2,
    "Major": Priority.P3,
    "Minor": Priority.P4,
    "Trivial": Priority.P4,
}
_COMPONENT_WORDS = (
    (
        "Jobs (MapReduce/YARN)",
        ("yarn", "mapreduce", "mapred", " job", "container", "resourcemanager", "nodemanager"),
    ),
    ("HDFS storage", ("hdfs", "namenode", "datanode", "block", "erasure", "snapshot", "balancer")),
    ("Dashboards", ("web ui", "webui", " ui", "metrics", "dashboard", "jmx", "timeline")),
)
_NOT_FIXED = {
    "Won't Fix": "Won't fix: the behaviour is by design in this CallStats release line.",
    "Not A Problem": "Not a problem: the behaviour is expected; configuration explained.",
    "Invalid": "Invalid: not a CallStats defect; explained to the customer.",
    "Works for Me": "Could not reproduce on the reported version; customer satisfied.",
    "Not A Bug": "Not a bug: documented behaviour.",
    "Abandoned": "Closed without a fix: no longer relevant for the customer.",
    "Done": "Done: the requested change is in place.",
}


def choose_issues(subset: HadoopSubset, count: int, rng: random.Random) -> list[HadoopIssue]:
    """``count`` reports, most of them ends of duplicate pairs, in their original order."""
    by_id = {issue.id: issue for issue in subset.issues}
    pairs = sorted({tuple(sorted(p)) for p in subset.pairs if p[0] in by_id and p[1] in by_id})
    rng.shuffle(pairs)
    chosen: dict[int, HadoopIssue] = {}
    for a, b in pairs:
        if len(chosen) + 2 > count * SHARE_IN_PAIRS:
            break
        chosen[a], chosen[b] = by_id[a], by_id[b]
    paired = {x for p in subset.pairs for x in p}
    others = [i for i in subset.issues if i.id not in paired]
    for issue in rng.sample(others, min(len(others), count - len(chosen))):
        chosen[issue.id] = issue
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(chosen.values(), key=lambda i: (i.created or oldest, i.id))


@dataclass
class _Planned:
    customer: Customer
    script: TicketScript


def plan_hadoop_tickets(world: World, subset: HadoopSubset, count: int) -> list[TicketScript]:
    rng = world.rng
    issues = choose_issues(subset, count, rng)
    partners: dict[int, set[int]] = {}
    for a, b in subset.pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    planned: dict[int, _Planned] = {}
    for issue, opened in zip(issues, world.opening_times(len(issues)), strict=True):
        earlier = [planned[p] for p in sorted(partners.get(issue.id, ())) if p in planned]
        # A duplicate may be merged only into a ticket that is still open when it arrives.
        target = next(
            (e for e in earlier if not e.script.closed_by(opened + timedelta(days=1))), None
        )
        merge = target is not None and rng.random() < MERGE_CHANCE
        customer = target.customer if merge and target else world.pick_customer(1)
        script = _plan_one(world, issue, customer, opened, earlier, target if merge else None)
        planned[issue.id] = _Planned(customer, script)
    return [p.script for p in planned.values()]


def _component(issue: HadoopIssue) -> str:
    text = f" {issue.summary} {issue.description[:400]}".lower()
    for component, words in _COMPONENT_WORDS:
        if any(word in text for word in words):
            return component
    return "Ingestion"


def _version(issue: HadoopIssue, released: list[str]) -> str:
    wanted = "2.7"
    for hadoop in issue.affects_versions:
        major, _, rest = hadoop.partition(".")
        minor = rest.partition(".")[0]
        if major == "3":
            wanted = "3.0"
        elif major == "2" and minor.isdigit() and int(minor) <= 7:
            wanted = "2.6"
    return wanted if wanted in released else released[-1]


def _plan_one(
    world: World,
    issue: HadoopIssue,
    customer: Customer,
    opened: datetime,
    earlier: list[_Planned],
    merge_into: _Planned | None,
) -> TicketScript:
    rng = world.rng
    contact = world.pick_contact(customer)
    priority = _PRIORITY.get(issue.priority, Priority.P3)
    released = [v for v, day in product_named(PRODUCT).versions if day <= opened.date()]
    script = world.script(opened, "en")
    script.open(
        contact,
        NewTicket(
            subject=issue.summary[:500],
            body_text=issue.description or issue.summary,
            requester_id=contact.id,
            channel=rng.choice((Channel.EMAIL, Channel.PORTAL)),
            type=TicketType.PROBLEM,
            priority=priority,
            catalog=CatalogRef(PRODUCT, _component(issue), _version(issue, released)),
            language="en",
            tags=["hadoop", "gitbugs"],
            custom_fields={
                "source": "GitBugs Apache Hadoop (CC BY 4.0)",
                "gitbugs_issue_id": issue.id,
                "hadoop_versions": list(issue.affects_versions),
            },
        ),
    )
    intake = world.roster.pick(0, "en", PRODUCT)
    lead = world.roster.lead
    first_name = contact.name.split()[0]
    script.wait(world.agent_delay(priority))
    script.assign(intake, intake)
    script.wait(timedelta(minutes=rng.randint(2, 20)))
    script.write(
        intake,
        MessageKind.PUBLIC_REPLY,
        f"Hello {first_name},\n\nthank you for the detailed report. I have logged it for our "
        f"CallStats engineers; we will keep you updated on this ticket.\n\n{intake.name}\n"
        "Kestrel Support",
    )
    if merge_into is not None:
        script.wait(timedelta(minutes=rng.randint(30, 240)))
        script.link(lead, merge_into.script, LinkKind.DUPLICATE_OF)
        script.wait(timedelta(minutes=2))
        script.merge_into(lead, merge_into.script, "Same report from the same customer")
        script.stop_before(world.end)
        return script
    script.wait(world.work_delay(0))
    script.escalate(
        intake,
        1,
        f"Intake complete: CallStats {_component(issue).lower()} report",
        "The customer's report is complete (versions, symptoms, stack traces where relevant); "
        "no clarifying questions were needed at intake.",
    )
    l1 = world.roster.pick(1, "en", PRODUCT)
    script.wait(world.agent_delay(priority))
    script.accept(l1, milestone="at-L1")
    for partner in earlier:
        script.wait(timedelta(minutes=rng.randint(10, 180)))
        script.link(lead, partner.script, LinkKind.DUPLICATE_OF)
    outcome = issue.resolution
    if outcome == "Duplicate" and earlier:
        _solve(world, script, l1, first_name, _DUPLICATE_REPLY, _DUPLICATE_RESOLUTION)
    elif outcome in _NOT_FIXED:
        reply = (
            f"Hello {first_name},\n\nwe looked into this with the CallStats team. "
            f"{_NOT_FIXED[outcome]}\nPlease reply if this does not settle it for you.\n\n{l1.name}"
        )
        _solve(world, script, l1, first_name, reply, _NOT_FIXED[outcome])
    else:
        _work_as_defect(world, script, issue, customer, l1, first_name, priority)
    script.stop_before(world.end)
    return script


_DUPLICATE_REPLY = (
    "Hello {first_name},\n\nthis is the same problem as an earlier report we are already "
    "working on; I have linked the two tickets, and the fix will reach you through it.\n\n{agent}"
)
_DUPLICATE_RESOLUTION = "Duplicate of an earlier ticket (linked); followed up there."


def _solve(
    world: World, script: TicketScript, agent: Agent, first_name: str, reply: str, resolution: str
) -> None:
    rng = world.rng
    script.wait(world.work_delay(1))
    script.write(
        agent,
        MessageKind.PUBLIC_REPLY,
        reply.format(first_name=first_name, agent=agent.name),
        milestone="answered",
    )
    script.wait(timedelta(hours=rng.randint(2, 48)))
    script.solve(agent, resolution)
    closing = script.cursor + timedelta(days=7, hours=rng.randint(0, 12))
    if closing < world.end and rng.random() < 0.6:
        script.cursor = closing
        script.close(SYSTEM, "closed automatically 7 days after it was solved")


def _work_as_defect(
    world: World,
    script: TicketScript,
    issue: HadoopIssue,
    customer: Customer,
    l1: Agent,
    first_name: str,
    priority: Priority,
) -> None:
    rng = world.rng
    script.wait(world.work_delay(1))
    script.write(
        l1,
        MessageKind.INTERNAL_NOTE,
        "Reproduced the symptom on the lab cluster with the customer's version. The upstream "
        "Hadoop code path matches the report; this needs CallStats engineering.",
    )
    script.escalate(
        l1,
        2,
        "Reproducible CallStats defect; needs log analysis and a fix assessment",
        f"Reported: {issue.summary}\nReproduced in the lab on the reported version; "
        "customer's report and traces are in the thread.",
    )
    l2 = world.roster.pick(2, "en", PRODUCT)
    script.wait(world.agent_delay(priority))
    script.accept(l2, milestone="at-L2")
    solver = l2
    if issue.resolution is None:
        script.wait(world.work_delay(2))
        script.set_status(
            l2,
            Status.PENDING_INTERNAL,
            "upstream fix under review",
            milestone="pending-internal",
        )
    if priority in (Priority.P1, Priority.P2) and customer.plan_tier >= 3:
        script.wait(world.work_delay(2))
        script.escalate(
            l2,
            3,
            "Defect in the CallStats Hadoop layer; needs an expert to confirm and plan the fix",
            f"Reported: {issue.summary}\nL2 confirmed the defect from the logs; no workaround "
            "found that the customer can apply safely.",
        )
        solver = world.roster.pick(3, "en", PRODUCT)
        script.wait(world.agent_delay(priority))
        script.accept(solver, milestone="at-L3")
        script.reclassify(solver, TicketType.DEFECT)
        if priority is Priority.P1 and customer.plan_tier >= 4:
            script.wait(world.work_delay(3))
            script.escalate(
                solver,
                4,
                "Critical defect hitting the customer's production cluster; needs development",
                f"Reported: {issue.summary}\nConfirmed as a product defect; the customer runs "
                "the affected version in production and has no safe workaround.",
            )
            solver = world.roster.pick(4, "en", PRODUCT)
            script.wait(world.agent_delay(priority))
            script.accept(solver, milestone="at-L4")
    if issue.resolution is None and world.end - script.opened_at < STILL_OPEN_WITHIN:
        return  # still being worked on when the demo period ends
    # Older reports the upstream project never settled were fixed by CallStats engineering
    # meanwhile: a desk's open defects are recent, not months old.
    script.wait(world.work_delay(int(solver.tiers[-1])))
    fixed_in = rng.choice(("a maintenance release", "the next release", "hotfix build"))
    reply = (
        "Hello {first_name},\n\nour engineers confirmed the defect; the fix (backported from "
        f"Apache Hadoop) ships in {fixed_in} of CallStats. We will tell you as soon as it "
        "is available.\n\n{agent}"
    )
    _solve(world, script, solver, first_name, reply, f"Fixed in {fixed_in} of CallStats.")
