"""What workflow part 2 costs: one incident status update and the resolution over N linked
tickets (each gets a public message, mail outbox row, SLA and search updates in the same
transaction), and the escalation metrics report over a desk of N escalated tickets.

Runs on a fresh SQLite file with the hashing embedder (PostgreSQL: set
TIERDESK_BENCH_DATABASE_URL to an empty database). With the default USE embedder every notified
ticket is also re-embedded, which then dominates (see bench/README.md, retrieval speed).

    .venv/bin/python bench/workflow.py [--tickets 50 500]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.domain.handoff import PacketContent, TriedStep
from tierdesk.domain.incidents import IncidentStatus
from tierdesk.domain.people import Role, Tier
from tierdesk.services import escalation, incidents, metrics, people, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PACKET = PacketContent(
    symptoms="no dial tone",
    environment="cluster",
    steps_tried=[TriedStep("restart", "no change")],
    hypotheses=["trunk down"],
)


def open_tickets(desk: Desk, count: int, run: str) -> list[str]:
    organisation = people.create_organisation(
        desk, SYSTEM, people.NewOrganisation(name=f"Bench {run}", plan="premium")
    )
    contact = people.create_contact(
        desk,
        SYSTEM,
        people.NewContact(
            email=f"bench-{run}@example.com", name="Bench", organisation=organisation.name
        ),
    ).contact
    numbers = []
    for index in range(count):
        ticket = tickets.open_ticket(
            desk, contact, tickets.NewTicket(subject=f"No dial tone {index}", body_text="Dead.")
        )
        numbers.append(ticket.number or "")
    return numbers


def timed(label: str, action: object) -> float:
    start = time.perf_counter()
    assert callable(action)
    action()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:8.3f} s")
    return seconds


def bench_incident(desk: Desk, count: int) -> None:
    print(f"incident with {count} tickets")
    numbers = open_tickets(desk, count, f"incident-{count}")
    refs: list[int | str] = list(numbers)
    incident = incidents.declare_incident(desk, SYSTEM, f"Outage {count}")
    assert incident.id is not None
    incident_id = incident.id
    timed(
        "link all tickets (one call)",
        lambda: incidents.link_incident_tickets(desk, SYSTEM, incident_id, refs),
    )
    seconds = timed(
        "one status update (a message on each)",
        lambda: incidents.post_incident_update(
            desk, SYSTEM, incident_id, IncidentStatus.IDENTIFIED, "Carrier fault; rerouting."
        ),
    )
    print(f"  {'per ticket':<44} {seconds / count * 1000:8.1f} ms")
    timed(
        "resolve (a message and solve on each)",
        lambda: incidents.resolve_incident(
            desk, SYSTEM, incident_id, "Rerouted; calls work again."
        ),
    )


def bench_metrics(desk: Desk, clock: FixedClock, count: int) -> None:
    print(f"metrics over {count} escalated tickets")
    lead = people.create_agent(
        desk,
        SYSTEM,
        people.NewAgent(
            email=f"lead-{count}@kestrel.example", name="Lead", tiers=[1, 2, 3], role=Role.LEAD
        ),
    )
    for number in open_tickets(desk, count, f"metrics-{count}"):
        escalation.escalate_ticket(desk, lead, number, Tier.L1, "intake", PACKET)
        clock.advance(timedelta(minutes=1))
        escalation.escalate_ticket(desk, lead, number, Tier.L2, "deeper", PACKET)
    until = clock.now() + timedelta(hours=1)
    timed(
        "report, all levels",
        lambda: metrics.escalation_metrics(desk, SYSTEM, T0 - timedelta(days=1), until),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, nargs="+", default=[50, 500])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = os.environ.get("TIERDESK_BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.db"
        clock = FixedClock(T0)
        settings = Settings(
            data_dir=Path(scratch) / "data",
            database_url=url,
            search=SearchSettings(embedder="hashing"),
        )
        app = bootstrap(settings, clock=clock)
        try:
            app.upgrade_database()
            print(f"database: {app.engine.dialect.name}")
            for count in args.tickets:
                bench_incident(app.desk, count)
                bench_metrics(app.desk, clock, count)
        finally:
            app.close()


if __name__ == "__main__":
    main()
