"""Does a solution reach the lowest level? The share of open L1 tickets in the demo whose
problem was solved before (at any level) with that solution among the first five similar
tickets an L1 agent is shown (issue 16).

    .venv/bin/python bench/knowledge_flow.py [--data-dir DIR] [--seed 7]

Without ``--data-dir`` it builds the demo world into a throwaway directory first, as
`tierdesk demo` does (several minutes); with it, it reads a desk built before (`tierdesk demo`
with ``TIERDESK_DATA_DIR=DIR``). "The same problem" is the demo scenario a ticket was told
from: the scenario is not stored on tickets, so it is recognised from the subject, which
the demo writes from the scenario's subject with its placeholders filled in (any language).
Tickets that match no scenario (the Hadoop and routing worlds) take no part. The L1 agent is
each open ticket's assignee when it works L1, otherwise the first active L1-only agent.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tierdesk.bootstrap import bootstrap
from tierdesk.config import Settings
from tierdesk.demo.builder import build_demo
from tierdesk.demo.content import load_scenarios
from tierdesk.demo.facts import PLACEHOLDER
from tierdesk.domain.people import Agent
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import Scope
from tierdesk.ports.tickets import TicketFilter
from tierdesk.services.desk import Desk
from tierdesk.services.search import similar_tickets

FIRST = 5


def subject_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each scenario's subjects, one pattern per language, placeholders as wildcards."""
    patterns = []
    for scenario in load_scenarios():
        for text in scenario.texts.values():
            parts = PLACEHOLDER.split(text.subject)
            # split() alternates literal text and placeholder names
            regex = "".join(re.escape(p) if i % 2 == 0 else ".+?" for i, p in enumerate(parts))
            patterns.append((scenario.key, re.compile(f"^{regex}$", re.IGNORECASE)))
    return patterns


def scenario_of(subject: str, patterns: list[tuple[str, re.Pattern[str]]]) -> str | None:
    keys = {key for key, pattern in patterns if pattern.match(subject.strip())}
    return next(iter(keys)) if len(keys) == 1 else None


@dataclass(frozen=True)
class Outcome:
    ticket: str
    scenario: str
    agent: str
    found_at: int | None  # 1-based rank of the first earlier solution of the same scenario


def l1_reader(agents: list[Agent], ticket: Ticket) -> Agent | None:
    l1 = [a for a in agents if a.active and a.tiers and 1 in a.tiers and not a.is_lead]
    assigned = next((a for a in l1 if a.id == ticket.assignee_id), None)
    only_l1 = [a for a in l1 if max(a.tiers) == 1]
    return assigned or (only_l1 or l1 or [None])[0]


def measure(desk: Desk) -> list[Outcome]:
    patterns = subject_patterns()
    with desk.uow() as uow:
        everything = uow.tickets.page(Scope(everything=True), TicketFilter(), 100_000, None)
        agents = uow.agents.all()
    scenario = {t.id: scenario_of(t.subject, patterns) for t in everything}
    solved_before = Counter(
        scenario[t.id] for t in everything if scenario[t.id] and not t.status.is_active
    )
    outcomes = []
    for ticket in everything:
        key = scenario[ticket.id]
        if ticket.tier != 1 or not ticket.status.is_active or not key or not solved_before[key]:
            continue
        reader = l1_reader(agents, ticket)
        if reader is None:
            continue
        assert ticket.id is not None
        result = similar_tickets(desk, reader, ticket.id, limit=FIRST)
        ranked = [s.solution.subject if s.solution else s.ticket.subject for s in result.solved]
        same = [rank for rank, text in enumerate(ranked, 1) if scenario_of(text, patterns) == key]
        found = same[0] if same else None
        outcomes.append(Outcome(ticket.number or str(ticket.id), key, reader.email, found))
    return outcomes


def report(outcomes: list[Outcome]) -> None:
    hits = [o for o in outcomes if o.found_at is not None]
    print(f"open L1 tickets whose problem was solved before: {len(outcomes)}")
    for outcome in outcomes:
        where = f"rank {outcome.found_at}" if outcome.found_at else "not in the first five"
        print(f"  {outcome.ticket:>10}  {outcome.scenario:<40} {where}  (reader {outcome.agent})")
    share = len(hits) / len(outcomes) if outcomes else 0.0
    counts = f"{len(hits)}/{len(outcomes)}"
    print(f"share with an earlier solution in the first {FIRST}: {share:.3f} ({counts})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tierdesk-flow-bench-") as scratch:
        directory = options.data_dir or Path(scratch)
        app = bootstrap(Settings(data_dir=directory))
        try:
            app.upgrade_database()
            if options.data_dir is None:
                build_demo(app, seed=options.seed)
            report(measure(app.desk))
        finally:
            app.close()


if __name__ == "__main__":
    main()
