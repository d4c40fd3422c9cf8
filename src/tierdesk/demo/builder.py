"""``build_demo``: the whole demo world, built only through the public services.

The history is the nine months up to the hour the demo is built (``history_end``), so the desk
that then runs on the real clock shows today's queues: recent tickets still open, their SLA
clocks mostly running. Deterministic for a given end: a seeded ``random.Random`` decides
everything and a ``FixedClock`` is moved through the history, so the same seed and the same end
give the same tickets, numbers and timestamps. Every ticket's steps are played in time order
together with all the others'. A ``progress`` hook hears of each phase and of the history's
steps as they are played (``demo/progress.py``); the summary's ticket counts are read from the
database once the build is done, not from what the stories meant to do."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.engine import without_fsync
from tierdesk.assist.embedding_ahead import EmbeddingAhead
from tierdesk.assist.embeddings import make_embedder
from tierdesk.bootstrap import Tierdesk
from tierdesk.demo.access_world import create_access_notes
from tierdesk.demo.advisories_world import send_demo_advisory
from tierdesk.demo.answers_world import ANSWERING_QUEUE, AnsweredDemo, answer_portal_questions
from tierdesk.demo.cast import Roster, create_agents, create_customers
from tierdesk.demo.catalog import create_products
from tierdesk.demo.clocked import desk_on_clock, index_tickets_now
from tierdesk.demo.content import CONTENT_DIR, copy_manuals, load_hadoop_subset, load_scenarios
from tierdesk.demo.hadoop import plan_hadoop_tickets
from tierdesk.demo.handover_world import hand_over_demo_shift
from tierdesk.demo.installed_world import plan_installed_bases
from tierdesk.demo.knowledge_world import ask_unanswered, gap_topics, write_articles
from tierdesk.demo.progress import (
    ARTICLES,
    COUNTING,
    HISTORY,
    INDEXING,
    LAST_STORIES,
    TRAINING,
    Phases,
    ProgressHook,
    no_progress,
)
from tierdesk.demo.ratings import plan_ratings
from tierdesk.demo.rma_world import replace_base_station
from tierdesk.demo.script import Tally, TicketScript, opening_texts
from tierdesk.demo.side_conversation_world import talk_to_vendor
from tierdesk.demo.sign_ins import describe_sign_ins
from tierdesk.demo.stories import plan_scenario_tickets
from tierdesk.demo.time_world import log_demo_time
from tierdesk.demo.walkthrough import plan_walkthrough
from tierdesk.demo.workflow_world import plan_workflow
from tierdesk.demo.world import World
from tierdesk.domain.knowledge import KNOWLEDGE_KINDS
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Status
from tierdesk.ports import TicketFilter
from tierdesk.services import knowledge, people, search, tickets, triage
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

# The dated records in workflow.json (known issues, defects, incidents) were written for a history
# ending here; a later history moves them by whole weeks (``World.content_shift``).
AUTHORED_END = datetime(2026, 10, 30, 17, 0, tzinfo=UTC)
DEMO_SPAN = timedelta(days=270)
SCENARIO_TICKETS = 320
HADOOP_TICKETS = 120


@dataclass(frozen=True)
class DemoSummary:
    products: int
    organisations: int
    contacts: int
    agents: int
    start: datetime
    end: datetime
    statuses: dict[str, int]  # tickets in each status, read from the database after the build
    open_by_level: dict[str, int]  # tickets still open (not solved or closed) at each level
    messages: dict[str, int]
    languages: dict[str, int]
    escalations: int
    de_escalations: int
    duplicate_links: int
    merged: int
    manuals: int
    indexed: int
    seconds: float
    # the triage model trained on the history: per field, what its held-back rows showed
    triage: dict[str, dict[str, float]] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)  # "KB-3 Title (public)", as written
    gap_questions: int = 0  # customers' portal questions nothing answered
    gap_topics: list[str] = field(default_factory=list)  # the leads' 30-day gaps view
    answers: AnsweredDemo | None = None  # the portal questions the answerer decided on

    @property
    def tickets(self) -> int:
        return sum(self.statuses.values())

    @property
    def unfinished(self) -> int:
        return sum(n for status, n in self.statuses.items() if Status(status).is_active)

    def describe_triage(self) -> str:
        """Per trained field: how often its held-back answers came and were right."""
        if not self.triage:
            return "none"
        return ", ".join(_answers(name, m) for name, m in self.triage.items())

    def describe_gaps(self) -> str:
        """The gaps view's largest topics, by the label it shows."""
        shown = "; ".join(f'"{label}"' for label in self.gap_topics[:4])
        more = len(self.gap_topics) - 4
        return f"topics: {shown or 'none'}" + (f" and {more} more" if more > 0 else "")

    def describe_answers(self) -> str:
        a = self.answers
        if a is None:
            return "none (no search index)"
        return (
            f"{a.answered} of {a.asked} portal questions answered automatically, "
            f"{a.questions} asked for missing facts (dashboard, period all)"
        )

    def describe(self) -> str:
        messages = ", ".join(f"{n} {kind}" for kind, n in sorted(self.messages.items()))
        languages = ", ".join(f"{lang} {n}" for lang, n in sorted(self.languages.items()))
        still_open = ", ".join(
            f"{n} {status}" for status, n in self.statuses.items() if n and Status(status).is_active
        )
        by_level = ", ".join(f"{level} {n}" for level, n in self.open_by_level.items())
        return "\n".join(
            [
                f"Demo world built in {self.seconds:.1f} s: a history from "
                f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d %H:%M} UTC",
                f"  {self.products} products, {self.organisations} organisations, "
                f"{self.contacts} contacts, {self.agents} agents",
                f"  {self.tickets} tickets: {self.statuses[Status.CLOSED]} closed, "
                f"{self.statuses[Status.SOLVED]} solved, {self.unfinished} still open "
                f"({still_open or 'none'})",
                f"  still open by level: {by_level}",
                f"  messages: {messages}",
                f"  customer-facing texts by language: {languages}",
                f"  {self.escalations} escalations, {self.de_escalations} de-escalations, "
                f"{self.duplicate_links} duplicate links, {self.merged} merges",
                f"  {self.manuals} manual files copied; {self.indexed} tickets and manual "
                "sections in the search index",
                f"  triage model: {self.describe_triage()}",
                f"  KB articles (/articles): {'; '.join(self.articles) or 'none'}",
                f"  knowledge gaps for leads (/kb/gaps, last 30 days): "
                f"{self.gap_questions} unanswered portal questions; {self.describe_gaps()}",
                f"  answers from the knowledge ({ANSWERING_QUEUE} sends them): "
                f"{self.describe_answers()}",
                describe_sign_ins(),
            ]
        )


def desk_has_data(desk: Desk) -> bool:
    """Whether anyone has put organisations, agents or tickets into this desk yet."""
    return bool(
        people.list_organisations(desk, SYSTEM)
        or people.list_agents(desk, SYSTEM)
        or tickets.list_tickets(desk, SYSTEM, TicketFilter(), 1).tickets
    )


def history_end(now: datetime) -> datetime:
    """Where the demo's history ends when built at ``now``: the start of that hour, but never
    before ``AUTHORED_END`` (the content's records and releases need the time they were written
    for)."""
    return max(now.astimezone(UTC).replace(minute=0, second=0, microsecond=0), AUTHORED_END)


def build_demo(
    app: Tierdesk,
    seed: int = 7,
    *,
    end: datetime | None = None,
    content: Path = CONTENT_DIR,
    scenario_tickets: int = SCENARIO_TICKETS,
    hadoop_tickets: int = HADOOP_TICKETS,
    progress: ProgressHook = no_progress,
) -> DemoSummary:
    """Build the demo world into ``app``'s (empty, migrated) database and data directory, with
    a history ending at ``history_end(end)``; ``end`` defaults to the desk clock's now.
    ``progress`` is told of every phase and of the history's steps as they are played.

    On SQLite the build skips fsync: it makes thousands of small commits, and a build that a
    crash interrupts is simply run again with ``tierdesk demo --force``."""
    phases = Phases(progress)
    phases.start(0)
    with without_fsync(app.engine), _embedding_ahead(app) as ahead:
        return _build(app, seed, end, content, scenario_tickets, hadoop_tickets, ahead, phases)


@contextmanager
def _embedding_ahead(app: Tierdesk) -> Iterator[EmbeddingAhead | None]:
    """A worker process embedding finished tickets while the history plays on (see
    ``assist.embedding_ahead``); none for the hashing embedder, which is instant anyway."""
    if app.desk.search is None or app.settings.search.embedder == "hashing":
        yield None
        return
    with EmbeddingAhead(make_embedder(app.settings.search), app.settings.search) as ahead:
        yield ahead


def _build(
    app: Tierdesk,
    seed: int,
    end: datetime | None,
    content: Path,
    scenario_tickets: int,
    hadoop_tickets: int,
    ahead: EmbeddingAhead | None,
    phases: Phases,
) -> DemoSummary:
    began = time.perf_counter()
    rng = random.Random(seed)
    end = history_end(end or app.desk.clock.now())
    start = end - DEMO_SPAN
    clock = FixedClock(start - timedelta(days=21))
    desk = desk_on_clock(app, clock, ahead)  # handlers too see the demo's clock
    scenarios = load_scenarios(content)
    subset = load_hadoop_subset(content)

    products = create_products(desk)
    clock.advance(timedelta(days=2))
    agents = create_agents(desk)
    clock.advance(timedelta(days=5))
    customers = create_customers(desk)

    phases.start(1)
    shift = timedelta(weeks=(end - AUTHORED_END) // timedelta(weeks=1))
    world = World(desk, rng, Roster(agents, rng), customers, start, end, Tally(), shift)
    create_access_notes(desk, customers, world.roster.lead)
    scripts = plan_scenario_tickets(world, scenarios, scenario_tickets)
    scripts += plan_hadoop_tickets(world, subset, hadoop_tickets)
    scripts += plan_workflow(world, scenarios, content)  # routing, then L3/L4 records
    scripts.append(plan_walkthrough(world, scenarios))
    scripts += plan_installed_bases(world, world.roster.lead)  # issue 21: what customers run
    plan_ratings(scripts, seed, end)  # satisfaction for the reports, week by week
    if ahead is not None:  # triage's cold start embeds each opening alone, as it is played
        ahead.ahead_one_by_one(opening_texts(scripts))
    index = desk.search
    if index is None:
        play(scripts, clock, phases)
    else:
        with index.deferring_vectors():  # embed each ticket once at the end, not per event
            play(scripts, clock, phases)
    send_demo_advisory(world)  # issue 21: an upgrade advisory, one organisation acknowledged
    phases.start(ARTICLES)
    manuals = copy_manuals(app.settings.data_dir / "manuals", content)
    told = {s.number: s.scenario for s in scripts if s.number and s.scenario}
    with index.deferring_vectors() if index is not None else nullcontext():
        written = write_articles(desk, clock, world.roster, customers, told, end)
    indexed = index_manuals(app, desk, content, phases)  # embeds the articles too
    phases.start(LAST_STORIES)
    # Asked once everything is searchable, so a miss is one the portal would record today.
    missed = ask_unanswered(desk, clock, customers, end) if index is not None else 0
    gaps = gap_topics(desk, world.roster.lead)
    answered = (
        answer_portal_questions(desk, clock, customers, world.roster.lead, end)
        if index is not None
        else None
    )
    talk_to_vendor(desk, clock, world.roster.lead, end)  # a side conversation with a vendor

    hand_over_demo_shift(desk, agents)  # EMEA's shift, waiting for the Americas

    log_demo_time(desk, world.roster.lead, agents, end, seed)  # time spent (issue 21)

    rma = replace_base_station(desk, clock, agents, customers, end)  # issue 21: one RMA, shipped
    # Opened after the final index pass: stored as the desk's follow-up would have.
    index_tickets_now(desk, [rma.ticket])

    phases.start(TRAINING)
    model = train_triage_on_history(desk)

    phases.start(COUNTING)
    tally = world.tally
    statuses, open_by_level = count_tickets(desk)
    return DemoSummary(
        start=start,
        end=end,
        products=len(products),
        organisations=len(customers),
        contacts=sum(len(c.contacts) for c in customers),
        agents=len(agents),
        statuses=statuses,
        open_by_level=open_by_level,
        messages=dict(tally.messages),
        languages=dict(tally.languages),
        escalations=tally.escalations,
        de_escalations=tally.de_escalations,
        duplicate_links=tally.links["duplicate-of"],
        merged=tally.merged,
        manuals=manuals,
        indexed=indexed,
        seconds=time.perf_counter() - began,
        triage=model,
        articles=written,
        gap_questions=missed,
        gap_topics=gaps,
        answers=answered,
    )


def train_triage_on_history(desk: Desk) -> dict[str, dict[str, float]]:
    """The triage model a desk with this history would have trained by now (its automatic
    check would have, after the first fifty solved tickets): the open tickets' suggestions then
    come from it, not from the cold-start rules."""
    if desk.understanding is None:
        return {}
    return triage.train_triage(desk, SYSTEM).fields


def count_tickets(desk: Desk) -> tuple[dict[str, int], dict[str, int]]:
    """Tickets in each status, and the still-open ones at each level, as the database holds
    them (a story that solves a ticket it later closes counts once, as closed)."""

    def count(filters: TicketFilter) -> int:
        return tickets.list_tickets(desk, SYSTEM, filters, 1).total

    statuses = {str(s): count(TicketFilter(status=[str(s)])) for s in Status}
    active = [str(s) for s in Status if s.is_active]
    levels = {t.label: count(TicketFilter(status=active, tier=[int(t)])) for t in Tier}
    return statuses, levels


def index_manuals(app: Tierdesk, desk: Desk, content: Path, phases: Phases | None = None) -> int:
    """Ingest the manuals listed in manuals/manifest.json, then embed everything once (telling
    ``phases`` how many tickets and documents are done)."""
    manifest = content / "manuals" / "manifest.json"
    index = desk.search
    if index is None:
        return 0
    with index.deferring_vectors():
        for entry in json.loads(manifest.read_text("utf-8")) if manifest.is_file() else []:
            path = content / "manuals" / entry["file"]
            parsed = app.read_document(path.read_bytes(), path.name, entry.get("title"))
            knowledge.add_article(
                desk,
                SYSTEM,
                parsed,
                path.name,
                product=entry.get("product"),
                version=entry.get("version"),
            )
    phases = phases or Phases(no_progress)
    sizes = search.index_size(desk)
    total = sum(sizes[str(kind)] for kind in KNOWLEDGE_KINDS)
    total += tickets.list_tickets(desk, SYSTEM, TicketFilter(), 1).total
    phases.start(INDEXING, total, "tickets and documents")
    counter = phases.counter(total, "tickets and documents")
    done = 0

    def stored(count: int) -> None:
        nonlocal done
        done = min(done + count, total)
        counter(done)

    return search.rebuild_index(desk, stored)


def play(scripts: list[TicketScript], clock: FixedClock, phases: Phases | None = None) -> None:
    """Run every planned step in time order, moving the clock forward to each one (telling
    ``phases`` how many are done)."""
    timeline = sorted(
        ((step.at, i, j), step)
        for i, script in enumerate(scripts)
        for j, step in enumerate(script.steps)
    )
    phases = phases or Phases(no_progress)
    phases.start(HISTORY, len(timeline), "steps")
    played = phases.counter(len(timeline), "steps")
    for count, ((at, _, _), step) in enumerate(timeline, start=1):
        if at > clock.now():
            clock.advance(at - clock.now())
        step.run()
        played(count)


def _answers(name: str, metrics: dict[str, float]) -> str:
    answered = metrics.get("validation_answered", 0)
    if not answered:
        # It abstains on every held-back ticket: a precision of nothing answered means nothing.
        return f"{name} abstains (not sure enough on held-back tickets)"
    return f"{name} answers {answered:.0%} ({metrics.get('validation_precision', 0):.0%} right)"
