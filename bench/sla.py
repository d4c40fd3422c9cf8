"""What SLA clocks and background jobs cost: business-time arithmetic, the clock handlers'
share of opening a ticket, a sweep over many breached clocks (and the idle sweep after it),
and job throughput with one and with two workers.

Runs on a fresh SQLite file (PostgreSQL: set TIERDESK_BENCH_DATABASE_URL to an empty database).

    .venv/bin/python bench/sla.py [--tickets 300] [--jobs 400]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.calendars import (
    BusinessCalendar,
    add_business_minutes,
    always_open,
    business_minutes_between,
    parse_weekly_hours,
)
from tierdesk.domain.tickets import Priority, TicketType
from tierdesk.services import people, sla_clocks, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.handlers import HANDLERS, Handler
from tierdesk.services.jobs import TaskRegistry, enqueue, run_pending_jobs
from tierdesk.services.sla_sweep import sweep_deadlines

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HANDLER_SECONDS: dict[str, list[float]] = defaultdict(list)


def per_call(fn: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def arithmetic() -> None:
    berlin = BusinessCalendar(
        "berlin",
        "Europe/Berlin",
        parse_weekly_hours("mon-fri 09:00-12:30 13:30-18:00"),
        holidays=frozenset(),
        id=1,
    )
    round_the_clock = always_open(timezone="America/New_York")
    friday = datetime(2026, 3, 27, 16, 55, tzinfo=UTC)
    cases = [
        (
            "add 60 business minutes (Berlin, two periods a day)",
            lambda: add_business_minutes(berlin, friday, 60),
        ),
        (
            "add 2700 business minutes (five working days)",
            lambda: add_business_minutes(berlin, friday, 2700),
        ),
        (
            "add 10080 minutes on a 24x7 calendar",
            lambda: add_business_minutes(round_the_clock, friday, 10080),
        ),
        (
            "measure 30 days of business time",
            lambda: business_minutes_between(berlin, friday, friday + timedelta(days=30)),
        ),
    ]
    print("business-time arithmetic (pure):")
    for label, fn in cases:
        print(f"  {label:55s} {per_call(fn, 300) * 1e6:8.1f} µs")


def time_clock_handlers() -> None:
    ours = {
        getattr(sla_clocks, name)
        for name in dir(sla_clocks)
        if callable(getattr(sla_clocks, name))
        and getattr(getattr(sla_clocks, name), "__module__", "") == sla_clocks.__name__
    }

    def timed(handler: Handler) -> Handler:
        def wrapper(*args: Any) -> None:
            start = time.perf_counter()
            handler(*args)
            HANDLER_SECONDS["sla clocks"].append(time.perf_counter() - start)

        return wrapper

    for action, handlers in HANDLERS.handlers.items():
        HANDLERS.handlers[action] = [timed(h) if h in ours else h for h in handlers]


def open_tickets(desk: Desk, count: int) -> list[float]:
    organisation = people.create_organisation(
        desk, SYSTEM, people.NewOrganisation(name="Bench Org")
    )
    contact = people.create_contact(
        desk,
        SYSTEM,
        people.NewContact(email="bench@example.com", name="Bench", organisation=organisation.name),
    ).contact
    seconds = []
    for n in range(count):
        start = time.perf_counter()
        tickets.open_ticket(
            desk,
            contact,
            tickets.NewTicket(
                subject=f"Bench ticket {n}",
                body_text="Calls drop after thirty seconds.",
                type=TicketType.PROBLEM,
                priority=list(Priority)[n % 4],
            ),
        )
        seconds.append(time.perf_counter() - start)
    return seconds


def jobs_throughput(desk: Desk, clock: FixedClock, count: int, workers: int) -> float:
    registry = TaskRegistry()
    registry.task("bench.noop")(lambda _desk, _payload: None)
    with desk.uow() as uow:
        for n in range(count):
            enqueue(uow, "bench.noop", {"n": n}, at=clock.now(), registry=registry)
        uow.commit()
    start = time.perf_counter()
    threads = [
        threading.Thread(
            target=run_pending_jobs,
            args=(desk, f"bench-{i}"),
            kwargs={"registry": registry, "limit": count},
        )
        for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=400)
    args = parser.parse_args()

    arithmetic()
    with tempfile.TemporaryDirectory() as scratch:
        url = (
            os.environ.get("TIERDESK_BENCH_DATABASE_URL")
            or f"sqlite:///{Path(scratch) / 'bench.db'}"
        )
        clock = FixedClock(T0)
        app: Tierdesk = bootstrap(
            Settings(data_dir=Path(scratch) / "data", database_url=url), clock=clock
        )
        try:
            app.upgrade_database()
            print(f"database: {app.engine.dialect.name}")
            time_clock_handlers()
            seconds = open_tickets(app.desk, args.tickets)
            share = sum(HANDLER_SECONDS["sla clocks"]) / len(seconds)
            print(
                f"open_ticket with SLA clocks: median {statistics.median(seconds) * 1000:.1f} ms, "
                f"of which the clock handlers {share * 1000:.1f} ms on average"
            )
            clock.at = T0 + timedelta(days=30)  # every clock of every ticket is overdue
            start = time.perf_counter()
            result = sweep_deadlines(app.desk, limit=10 * args.tickets)
            elapsed = time.perf_counter() - start
            print(
                f"sweep over {args.tickets} tickets: {result.breached} breaches fired in "
                f"{elapsed:.2f} s ({result.breached / elapsed:.0f}/s, each its own transaction)"
            )
            start = time.perf_counter()
            idle = sweep_deadlines(app.desk)
            idle_ms = (time.perf_counter() - start) * 1000
            print(f"the sweep again: {idle.breached} fired in {idle_ms:.1f} ms")
            for workers in (1, 2):
                rate = jobs_throughput(app.desk, clock, args.jobs, workers)
                print(f"no-op jobs, {workers} worker thread(s): {rate:.0f} jobs/s")
        finally:
            app.close()


if __name__ == "__main__":
    main()
