"""How the demo builder tells its progress and drives the follow-up jobs, on their own (the
full build is in test_demo_world.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from tierdesk.demo.clocked import history_follow_ups
from tierdesk.demo.progress import PHASES, BuildProgress, Phases
from tierdesk.demo.script import Tally, TicketScript, opening_texts
from tierdesk.domain.people import Agent
from tierdesk.domain.triage import triage_text
from tierdesk.services import tickets
from tierdesk.services.desk import Desk
from tierdesk.services.handlers import FOLLOW_UPS


def test_a_phase_counted_in_pages_is_reported_each_time_it_passes_a_share() -> None:
    told: list[BuildProgress] = []
    phases = Phases(told.append)
    phases.start(4, 1000, "documents")
    done = phases.counter(1000, "documents")

    for count in (*range(64, 1000, 64), 1000):  # the index stores pages of 64
        done(count)

    counts = [p.done for p in told[1:]]
    assert counts == [*range(64, 1000, 64), 1000]  # every page passes a half percent
    assert all(p.phase == PHASES[4] and p.total == 1000 for p in told[1:])


def test_a_phase_counted_one_by_one_is_reported_at_most_every_half_percent_and_at_its_end() -> None:
    told: list[BuildProgress] = []
    phases = Phases(told.append)
    phases.start(2, 1001, "steps")
    done = phases.counter(1001, "steps")

    for count in range(1, 1002):
        done(count)

    counts = [p.done for p in told[1:]]
    assert counts == [*range(6, 1001, 6), 1001]  # 1001 / 200 rounded up: every sixth step


def test_the_history_runs_no_follow_up_step_that_has_nothing_left_to_do() -> None:
    steps = history_follow_ups()

    assert set(steps) == set(FOLLOW_UPS)
    assert all(step for action in steps.values() for step in action)  # no empty unit of work
    assert "index_ticket" not in {h.__name__ for a in steps.values() for s in a for h in s}


def test_the_openings_go_to_the_embedding_worker_in_the_order_the_tickets_will_be_opened() -> None:
    start = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    agent = Agent(email="tom@kestrel.example", name="Tom Fletcher", created_at=start)
    scripts = []
    for hours, subject in ((5, "Later"), (1, "First"), (3, "Between")):
        script = TicketScript(cast(Desk, None), Tally(), start + timedelta(hours=hours), "en")
        script.open(agent, tickets.NewTicket(subject=subject, body_text=f"{subject} text"))
        scripts.append(script)
    scripts.append(TicketScript(cast(Desk, None), Tally(), start, "en"))  # never opened

    assert opening_texts(scripts) == [
        triage_text("First", "First text"),
        triage_text("Between", "Between text"),
        triage_text("Later", "Later text"),
    ]
