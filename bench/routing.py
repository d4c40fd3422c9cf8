"""What routing and rules cost: one assignment decision, opening a ticket with routing and
event rules configured (against none), and the time sweep over many tickets.

Runs on a fresh SQLite file (PostgreSQL: set TIERDESK_BENCH_DATABASE_URL to an empty database).

    .venv/bin/python bench/routing.py [--tickets 300] [--sweep-tickets 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.people import Agent, Tier
from tierdesk.domain.routing import Candidate, TicketFacts, choose_assignee
from tierdesk.domain.rules import Trigger
from tierdesk.domain.tickets import Priority, Status, TicketType
from tierdesk.services import catalog, people, queues, rules, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.handlers import HANDLERS, Handler
from tierdesk.services.routing import route_new_ticket
from tierdesk.services.rules import run_event_rules

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LANGUAGES = ["en", "de", "it", "fr", "es"]


HANDLER_SECONDS: dict[str, list[float]] = defaultdict(list)


def time_our_handlers() -> None:
    """Wrap routing's and the rules' event handlers so their own share can be reported (the
    other handlers — SLA clocks, search indexing — run too and are part of open_ticket)."""

    def timed(handler: Handler) -> Handler:
        def wrapper(*args: object) -> None:
            start = time.perf_counter()
            handler(*args)  # type: ignore[arg-type]
            HANDLER_SECONDS[handler.__name__].append(time.perf_counter() - start)

        return wrapper

    ours = (route_new_ticket, run_event_rules)
    for action, handlers in HANDLERS.handlers.items():
        HANDLERS.handlers[action] = [timed(h) if h in ours else h for h in handlers]


def per_call(fn: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def bench_decision() -> None:
    agents = [
        Agent(
            email=f"a{i}@x.example",
            name=f"A{i}",
            created_at=T0,
            tiers=[1],
            languages=[LANGUAGES[i % 5]],
            skills=["Kestrel SBC"] if i % 3 == 0 else [],
            id=i + 1,
        )
        for i in range(50)
    ]
    candidates = [Candidate(a, i % 7, T0 + timedelta(minutes=i % 11)) for i, a in enumerate(agents)]
    facts = TicketFacts(
        tier=Tier.L1, status="new", priority="P2", type="problem", channel="email",
        language="de", product_id=1, product_key="kestrel-sbc", product_name="Kestrel SBC",
    )  # fmt: skip
    seconds = per_call(lambda: choose_assignee(candidates, Tier.L1, facts), 2_000)
    print(f"choose_assignee, 50 candidates: {seconds * 1e6:.0f} µs per decision")


def make_desk(directory: Path, clock: FixedClock) -> Tierdesk:
    url = os.environ.get("TIERDESK_BENCH_DATABASE_URL")
    settings = Settings(data_dir=directory, database_url=url, env="test")
    app = bootstrap(settings, clock=clock)
    app.upgrade_database()
    return app


def configure_routing(app: Tierdesk) -> None:
    desk = app.desk
    for p in range(5):
        catalog.create_product(
            desk, SYSTEM, catalog.NewProduct(name=f"Product {p}", components=["Core", "Edge"])
        )
        for language in ("de", "en"):
            key = f"l1-p{p}-{language}"
            queues.create_queue(
                desk, SYSTEM, queues.NewQueue(key, key, Tier.L1, f"product-{p}", None, [language])
            )
            queues.create_routing_rule(
                desk,
                SYSTEM,
                queues.NewRoutingRule(
                    key, key, {"products": [f"product-{p}"], "languages": [language]}
                ),
            )
            for a in range(3):
                people.create_agent(
                    desk,
                    SYSTEM,
                    people.NewAgent(
                        email=f"{key}-{a}@kestrel.example", name=f"{key} {a}", tiers=[1],
                        languages=[language], skills=[f"Product {p}"] if a else [],
                        queues=[key],
                    ),
                )  # fmt: skip
    for r in range(10):  # event rules that are evaluated on every event but never match
        rules.create_rule(
            desk,
            SYSTEM,
            rules.NewRule(
                f"rule {r}",
                {"all": [{"field": "tags", "op": "contains", "value": f"never-{r}"}]},
                [{"type": "set_priority", "value": "P1"}],
            ),
        )


def bench_opening(count: int) -> None:
    results = {}
    for label, configured in (("no routing configured", False), ("routing + 10 rules", True)):
        with tempfile.TemporaryDirectory() as directory:
            clock = FixedClock(T0)
            app = make_desk(Path(directory), clock)
            if configured:
                configure_routing(app)
            else:
                catalog.create_product(
                    app.desk, SYSTEM, catalog.NewProduct(name="Product 0", components=["Core"])
                )
            org = people.create_organisation(app.desk, SYSTEM, people.NewOrganisation("Acme"))
            contact = people.create_contact(
                app.desk, SYSTEM, people.NewContact("c@acme.example", "C", org.name, "de")
            ).contact
            timings = []
            for i in range(count):
                clock.advance(timedelta(seconds=30))
                product = f"product-{i % 5 if configured else 0}"
                new = tickets.NewTicket(
                    subject=f"Problem {i}", body_text="It broke.", type=TicketType.PROBLEM,
                    priority=Priority.P2, catalog=tickets.CatalogRef(product),
                )  # fmt: skip
                start = time.perf_counter()
                ticket = tickets.open_ticket(app.desk, contact, new)
                timings.append(time.perf_counter() - start)
                if configured and i % 2:  # keep loads bounded, as agents solving would
                    tickets.solve_ticket(app.desk, SYSTEM, ticket.id or 0, "done")
            app.close()
        results[label] = timings
        print(
            f"open_ticket, {label}: median {statistics.median(timings) * 1e3:.1f} ms, "
            f"p95 {sorted(timings)[int(len(timings) * 0.95)] * 1e3:.1f} ms ({count} tickets)"
        )
        for name, seconds in sorted(HANDLER_SECONDS.items()):
            print(
                f"  {name}: median {statistics.median(seconds) * 1e3:.2f} ms "
                f"over {len(seconds)} calls"
            )
        HANDLER_SECONDS.clear()


def bench_sweep(count: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        clock = FixedClock(T0)
        app = make_desk(Path(directory), clock)
        desk = app.desk
        rules.create_rule(
            desk,
            SYSTEM,
            rules.NewRule(
                "chase",
                {"all": [{"field": "status", "op": "eq", "value": "pending-customer"},
                         {"field": "hours_in_status", "op": "gt", "value": 72}]},
                [{"type": "add_tag", "value": "chased"}],
                trigger=Trigger.TIME,
            ),
        )  # fmt: skip
        org = people.create_organisation(desk, SYSTEM, people.NewOrganisation("Acme"))
        contact = people.create_contact(
            desk, SYSTEM, people.NewContact("c@acme.example", "C", org.name)
        ).contact
        for i in range(count):
            ticket = tickets.open_ticket(desk, contact, tickets.NewTicket(subject=f"T{i}"))
            if i % 10 == 0:
                tickets.change_status(desk, SYSTEM, ticket.id or 0, Status.PENDING_CUSTOMER)
        clock.advance(timedelta(days=4))
        start = time.perf_counter()
        fired = rules.sweep_time_rules(desk)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = rules.sweep_time_rules(desk)
        second = time.perf_counter() - start
        app.close()
    print(
        f"sweep_time_rules over {count} tickets ({count // 10} pending 4 days): "
        f"{first:.2f} s, fired {fired}; again {second:.2f} s, fired {again}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--sweep-tickets", type=int, default=2000)
    args = parser.parse_args()
    time_our_handlers()
    bench_decision()
    bench_opening(args.tickets)
    bench_sweep(args.sweep_tickets)


if __name__ == "__main__":
    main()
