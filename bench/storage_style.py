"""Imperative mapping against Core statements, for the choice of one persistence style
(docs/design.md, "Storage named by noun"): what writing one in-desk notification and reading
50 cost each way, on a fresh SQLite file with the migrated schema; and whether a frozen
dataclass (the domain's values) can be mapped at all.

Core runs first, while ``Notification`` is still a plain class; then ``start_mappers`` maps
it and the repository (``adapters/db/notifications.py``) is timed. Median of 7 rounds.

    .venv/bin/python bench/storage_style.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.engine import make_engine, upgrade_database
from tierdesk.adapters.db.mappers import start_mappers
from tierdesk.adapters.db.notifications import SqlNotificationRepository, notifications
from tierdesk.adapters.db.tables import agents
from tierdesk.domain.notifications import Notification

NOW = datetime(2026, 1, 1, tzinfo=UTC)
_n = notifications.c


def main() -> None:
    engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp())}/bench.db")
    upgrade_database(engine)
    with engine.begin() as connection:
        agent_id = connection.execute(
            insert(agents)
            .values(
                email="lead@example.com",
                name="Lead",
                role="lead",
                tiers=[1],
                skills=[],
                languages=[],
                queues=[],
                capacity=5,
                active=True,
                away=False,
                created_at=NOW,
            )
            .returning(agents.c.id)
        ).scalar_one()
        connection.execute(
            insert(notifications),
            [
                {
                    "agent_id": agent_id,
                    "kind": "sla.warning",
                    "text": f"warning {i}",
                    "details": {"clock": "first-response"},
                    "created_at": NOW,
                }
                for i in range(50)
            ],
        )

    def note() -> Notification:
        return Notification(
            agent_id=agent_id, kind="sla.breach", text="breach", created_at=NOW, details={}
        )

    def run(label: str, body: Callable[[Session], object], n: int) -> None:
        rounds = []
        for _ in range(7):
            with Session(engine) as session:
                start = time.perf_counter()
                for _ in range(n):
                    body(session)
                rounds.append((time.perf_counter() - start) / n * 1e3)
                session.rollback()
        print(f"{label:52s} {statistics.median(rounds):6.2f} ms")

    def core_add(session: Session) -> None:
        n = note()
        n.id = session.execute(
            insert(notifications)
            .values(
                agent_id=n.agent_id,
                ticket_id=n.ticket_id,
                kind=n.kind,
                text=n.text,
                details=n.details,
                created_at=n.created_at,
                read_at=n.read_at,
            )
            .returning(_n.id)
        ).scalar_one()

    def core_read(session: Session) -> None:
        query = select(notifications).where(_n.agent_id == agent_id)
        rows = session.execute(query.order_by(_n.id.desc()).limit(50))
        [
            Notification(
                agent_id=r.agent_id,
                kind=r.kind,
                text=r.text,
                created_at=r.created_at,
                ticket_id=r.ticket_id,
                details=dict(r.details),
                read_at=r.read_at,
                id=r.id,
            )
            for r in rows
        ]

    run("Core: write one (INSERT … RETURNING)", core_add, 1000)
    run("Core: read 50 (rows built into Notification)", core_read, 300)

    start_mappers()

    def mapped_add(session: Session) -> None:
        SqlNotificationRepository(session).add(note())
        session.flush()

    def mapped_read(session: Session) -> None:
        SqlNotificationRepository(session).for_agent(agent_id, unread_only=False, limit=50)
        session.expunge_all()  # as in a new unit of work: nothing found in the identity map

    run("mapped: write one (session.add + flush)", mapped_add, 1000)
    run("mapped: read 50 (select(Notification))", mapped_read, 300)

    @dataclass(frozen=True)
    class Value:
        name: str
        id: int | None = None

    values = Table(
        "values", MetaData(), Column("id", Integer, primary_key=True), Column("name", String)
    )
    registry().map_imperatively(Value, values)
    try:
        Value("a")
        print("a frozen dataclass maps")
    except FrozenInstanceError as error:
        print(f"a frozen dataclass cannot be mapped: FrozenInstanceError ({error})")


if __name__ == "__main__":
    main()
