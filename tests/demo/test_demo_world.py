"""The demo world, built the way `tierdesk demo` builds it. These are the slowest tests of the
suite (a full build plays about 440 tickets through the services), so there are only three: one
full build per engine with every check on it, and a determinism check on two small SQLite builds
(smaller, to keep it fast; the code path is the same)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli.conftest import environment, invoker
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.demo import build_demo
from tierdesk.demo.answers_world import ANSWER_TICKETS
from tierdesk.demo.builder import AUTHORED_END, history_end
from tierdesk.demo.content import CONTENT_DIR
from tierdesk.demo.installed_world import INSTALLED_TICKETS
from tierdesk.demo.record_steps import load_workflow_content
from tierdesk.demo.rma_world import RMA_TICKETS
from tierdesk.demo.walkthrough import WALKTHROUGH_TICKETS
from tierdesk.demo.workflow_world import told_ticket_count
from tierdesk.domain.advisories import NoticeState
from tierdesk.domain.handovers import HandoverStatus
from tierdesk.domain.installed_base import ItemStatus, MatchedBy
from tierdesk.domain.jobs import JobStatus
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Role, Tier
from tierdesk.domain.rmas import RmaState
from tierdesk.domain.tickets import LinkKind, Status, Ticket
from tierdesk.ports import TicketFilter
from tierdesk.ports.regions import HandoverFilter
from tierdesk.services import (
    advisories,
    handovers,
    jobs,
    people,
    rmas,
    rules,
    search,
    tickets,
    time_entries,
    webhooks,
)
from tierdesk.services.auth import SYSTEM
from tierdesk.services.installed_base import installed_base
from tierdesk.services.installed_base_tickets import ticket_installed_base


def all_tickets(app: Tierdesk) -> list[Ticket]:
    return tickets.list_tickets(app.desk, SYSTEM, TicketFilter(), 10_000).tickets


def test_tierdesk_demo_builds_a_full_desk(settings: Settings, app: Tierdesk) -> None:
    tierdesk = invoker(environment(str(settings.data_dir), settings.database))

    result = tierdesk("demo")

    assert result.exit_code == 0, result.output
    assert "Demo world built" in result.stdout
    # progress on standard error, as plain lines when it is not a terminal
    assert "[3/8] Playing the history through the desk: 100% (" in result.stderr
    assert "[5/8] Indexing tickets, articles and manuals: 100% (" in result.stderr
    assert result.stderr.count(" done in ") == 8  # every phase, the last one too
    assert "\r" not in result.stderr
    desk = app.desk
    organisations = people.list_organisations(desk, SYSTEM)
    assert len(organisations) >= 5
    assert len({o.country for o in organisations}) >= 5
    plans = {p.id: p.key for p in people.list_plans(desk)}
    assert {plans[o.plan_id] for o in organisations} == {"basic", "standard", "premium"}
    contacts = people.list_contacts(desk, SYSTEM)
    assert {c.language for c in contacts} >= {"en", "de", "it", "fr", "es"}
    agents = people.list_agents(desk, SYSTEM)
    assert len(agents) >= 10
    assert {tier for a in agents for tier in a.tiers} == {0, 1, 2, 3, 4}
    assert any(a.email == "admin@kestrel.example" and a.role is Role.ADMIN for a in agents)
    assert any(a.role is Role.LEAD for a in agents)
    # time spent (issue 21): some logged on the latest tickets, so the report is not empty
    today = desk.clock.now().date()
    logged = time_entries.time_report(
        desk, SYSTEM, today - timedelta(days=365), today + timedelta(days=365), "organisation"
    )
    assert logged.billable > 0
    assert {p.name for p in tickets.list_products(desk)} == {
        "Kestrel SBC",
        "Kestrel DeskPhone",
        "Kestrel Edge",
        "Kestrel CallStats",
    }

    history = all_tickets(app)
    assert len(history) >= 300
    languages = Counter(t.language for t in history if t.messages)
    assert len(languages) >= 4
    kinds = Counter(m.kind for t in history for m in t.messages)
    assert kinds[MessageKind.INTERNAL_NOTE] > 0
    assert kinds[MessageKind.PUBLIC_REPLY] > 0
    statuses = Counter(t.status.value for t in history)
    told = f"{len(history)} tickets: {statuses['closed']} closed, {statuses['solved']} solved, "
    assert told in result.stdout  # counted in the database, not as the stories meant it
    unfinished = sum(n for s, n in statuses.items() if s not in ("solved", "closed"))
    assert 0.08 * len(history) <= unfinished <= 0.3 * len(history)
    assert statuses["closed"] > 0
    assert any(t.priority.value == "P1" for t in history)
    assert {t.tier.label for t in history if t.status.is_active} >= {"L0", "L1", "L2"}
    # The history ends when it was built: open work is from its last weeks, like a real backlog
    newest = max(t.created_at for t in history)
    assert all(newest - t.created_at < timedelta(days=60) for t in history if t.status.is_active)
    tom = next(a for a in agents if a.email == "tom.fletcher@kestrel.example")
    northwind = next(o for o in organisations if o.name.startswith("Northwind"))
    assert any(
        "factory reset a KP-200" in t.subject
        and t.status.is_active
        and t.tier.label == "L1"
        and t.assignee_id == tom.id
        and t.organisation_id == northwind.id
        for t in history
    )
    # Installed bases (issue 21): a ticket matched by serial at a customer whose support lapsed,
    # one matched by version.
    lead = next(a for a in agents if a.role is Role.LEAD)
    by_subject = {t.subject: t for t in history}
    at_the_end = replace(desk, clock=FixedClock(newest))  # the support check is for today
    lapsed = ticket_installed_base(
        at_the_end, lead, by_subject["SBC drops registrations after the weekend"].id or 0
    )
    assert [(li.item.serial_number, li.matched_by) for li in lapsed.linked] == [
        ("SB2403120458", MatchedBy.SERIAL)
    ]
    assert lapsed.warning is not None and "expired" in lapsed.warning
    upgraded = by_subject["Depot-SBC: einseitige Sprachübertragung seit dem Update"]
    matched = ticket_installed_base(at_the_end, lead, upgraded.id or 0)
    assert [(li.item.version, li.matched_by) for li in matched.linked] == [
        ("5.3.1", MatchedBy.VERSION)
    ]
    assert matched.warning is None
    links = Counter(link.kind for t in history for link in t.links)
    assert links[LinkKind.DUPLICATE_OF] >= 10
    assert links[LinkKind.MERGED_INTO] >= 1
    hadoop = [t for t in history if "gitbugs" in t.tags]
    assert len(hadoop) >= 100
    assert all(t.custom_fields["source"].startswith("GitBugs") for t in hadoop)
    assert not any("{" + name + "}" in t.subject for t in history for name in ("ip", "version"))

    # Solved tickets tell their customer what support answered, not the engineers' resolution.
    solved = [t for t in history if t.resolution]
    answered = [t for t in solved if any(m.kind is MessageKind.PUBLIC_REPLY for m in t.messages)]
    assert answered and all(t.public_answer for t in answered)
    assert not any(t.public_answer == t.resolution for t in solved)

    for ticket in history:
        events = tickets.ticket_events(desk, SYSTEM, ticket.id or 0)
        assert events[0].action == "ticket.opened", ticket.number
        if ticket.tier >= 2:
            escalations = [e for e in events if e.action == "ticket.escalated"]
            assert escalations and all(e.reason and e.changes["handoff_note"] for e in escalations)

    # issue 21: an upgrade advisory for Kestrel SBC 5.2.0, one organisation acknowledged
    sent, _total = advisories.list_advisories(desk, SYSTEM)
    assert [(a.advisory.version, a.advisory.target_version) for a in sent] == [("5.2.0", "5.4.0")]
    assert sent[0].rows and sent[0].count(NoticeState.ACKNOWLEDGED) == 1

    manuals = settings.data_dir / "manuals"
    assert any(manuals.iterdir())
    # Follow-the-sun: one EMEA engineer's shift handed over, waiting for the Americas.
    awaiting = HandoverFilter(status=HandoverStatus.AWAITING)
    waiting = handovers.list_handovers(desk, SYSTEM, awaiting, 50)
    assert waiting
    assert {(v.from_region, v.to_region) for v in waiting} == {("EMEA", "Americas")}

    # One hardware replacement, approved and shipped: the installed base has the new unit.
    lead = next(a for a in agents if a.role is Role.LEAD)
    [(rma, _)] = rmas.list_rmas(desk, lead)
    assert rma.state is RmaState.SHIPPED
    assert rma.replacement_serial is not None
    units = {
        i.serial_number: i.status for i in installed_base(desk, lead, rma.organisation_id).items
    }
    assert units[rma.serial_number] is ItemStatus.REPLACED
    assert units[rma.replacement_serial] is ItemStatus.ACTIVE
    # Opened after the final index pass, and still found: the build leaves nothing undone.
    found = search.search_tickets(desk, lead, "Basisstation Lager 3 ausgefallen")
    assert rma.ticket_id in {f.ticket.id for f in found if f.ticket is not None}
    assert not jobs.list_jobs(desk, lead, [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED])
    # The history runs without the rules' and webhooks' handlers (demo/clocked.py): a demo
    # world with either would need them back.
    admin = next(a for a in agents if a.role is Role.ADMIN)
    assert not rules.list_rules(desk, admin) and not webhooks.list_webhooks(desk, admin)

    again = tierdesk("demo")
    assert again.exit_code == 0
    assert "already holds data" in again.stdout


# Three weeks and some hours after the content's own end: the records move by whole weeks.
LATER_END = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_the_history_ends_at_the_hour_of_the_build_but_not_before_the_content() -> None:
    assert history_end(datetime(2027, 1, 5, 14, 37, 12, tzinfo=UTC)) == datetime(
        2027, 1, 5, 14, 0, tzinfo=UTC
    )
    assert history_end(AUTHORED_END - timedelta(days=90)) == AUTHORED_END


def test_the_same_seed_builds_the_same_world(sqlite_template: Path, tmp_path: Path) -> None:
    def build(name: str) -> list[tuple[object, ...]]:
        database = tmp_path / f"{name}.db"
        database.write_bytes(sqlite_template.read_bytes())
        settings = Settings(
            data_dir=tmp_path / name,
            database_url=f"sqlite:///{database}",
            env="test",
            search=SearchSettings(embedder="hashing"),
        )
        app = bootstrap(settings)
        try:
            build_demo(app, seed=11, end=LATER_END, scenario_tickets=40, hadoop_tickets=30)
            return [
                (t.number, t.subject, t.status, t.tier, t.created_at, len(t.messages))
                for t in all_tickets(app)
            ]
        finally:
            app.close()

    first, second = build("one"), build("two")

    # 40 scenario and 30 Hadoop tickets, plus those the level 3/4 records' history opens and
    # the README walk-through's ticket
    told = told_ticket_count(load_workflow_content(CONTENT_DIR))
    issue_21 = INSTALLED_TICKETS + RMA_TICKETS
    assert len(first) == 70 + told + WALKTHROUGH_TICKETS + ANSWER_TICKETS + issue_21
    assert first == second
    walkthrough = [row[2:4] for row in first if "factory reset a KP-200" in str(row[1])]
    assert (Status.OPEN, Tier.L1) in walkthrough
    created = [row[4] for row in first if isinstance(row[4], datetime)]
    assert len(created) == len(first)
    assert LATER_END - timedelta(weeks=1) < max(created) <= LATER_END
