"""Reads don't write (issue 19): a bearer token's "last used" is stored at most once a minute,
and the catalogue and levels each process keeps in memory follow changes made by another."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from tests.api.conftest import World
from tests.factories import make_agent
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.tokens import api_tokens
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.people import Role, Tier
from tierdesk.services.catalog import NewProduct, create_product
from tierdesk.services.levels import LevelChanges, sees_restricted, update_level
from tierdesk.services.tickets import list_products


@dataclass
class Statements:
    """What the engine sent: every statement, and how many commits."""

    sent: list[str] = field(default_factory=list)
    commits: int = 0

    @property
    def writes(self) -> list[str]:
        return [s for s in self.sent if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]

    def reading(self, table: str) -> list[str]:
        return [s for s in self.sent if s.upper().startswith("SELECT") and f"FROM {table}" in s]


@contextmanager
def statements(engine: Engine) -> Iterator[Statements]:
    seen = Statements()

    def sent(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.sent.append(statement.strip())

    def committed(_conn: Any) -> None:
        seen.commits += 1

    event.listen(engine, "before_cursor_execute", sent)
    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", sent)
        event.remove(engine, "commit", committed)


@contextmanager
def connections_taken(engine: Engine) -> Iterator[list[object]]:
    """Each connection taken from the pool meanwhile: one per transaction."""
    taken: list[object] = []

    def checked_out(connection: object, *_args: Any) -> None:
        taken.append(connection)

    event.listen(engine, "checkout", checked_out)
    try:
        yield taken
    finally:
        event.remove(engine, "checkout", checked_out)


def _last_used(app: Tierdesk) -> object:
    with app.engine.connect() as connection:
        used = connection.execute(select(api_tokens.c.last_used_at).order_by(api_tokens.c.id))
        return list(used.scalars())


def test_reading_a_ticket_twice_within_a_minute_with_a_token_writes_nothing(
    app: Tierdesk, client: TestClient, world: World, clock: FixedClock
) -> None:
    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "No dial tone", "body": "Since this morning."},
        headers=world.acme_contact,
    )
    number = opened.json()["number"]
    assert client.get(f"/api/v1/tickets/{number}", headers=world.l1_agent).status_code == 200
    first_use = _last_used(app)
    clock.advance(timedelta(seconds=30))

    with statements(app.engine) as seen:
        again = client.get(f"/api/v1/tickets/{number}", headers=world.l1_agent)
        listed = client.get("/api/v1/tickets?limit=20", headers=world.l1_agent)

    assert (again.status_code, listed.status_code) == (200, 200)
    assert seen.writes == []
    assert seen.commits == 0
    assert _last_used(app) == first_use


def test_a_ticket_is_read_in_one_transaction_after_the_tokens(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    """The ticket, its catalogue names, links and thread (services/ticket_views.py): each
    transaction more is a session, a pooled connection, and on PostgreSQL a BEGIN and a
    ROLLBACK."""
    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "No dial tone", "body": "Since this morning."},
        headers=world.acme_contact,
    )
    number = opened.json()["number"]
    client.get(f"/api/v1/tickets/{number}", headers=world.l1_agent)  # the minute's "last used"
    with connections_taken(app.engine) as checkouts:
        read = client.get(f"/api/v1/tickets/{number}", headers=world.l1_agent)

    assert read.status_code == 200
    assert [m["body"] for m in read.json()["messages"]] == ["Since this morning."]
    assert len(checkouts) == 2  # the token's, then the ticket's


def test_a_list_of_tickets_is_read_in_one_transaction_after_the_tokens(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    for subject in ("No dial tone", "Echo on calls"):
        client.post(
            "/api/v1/tickets", json={"subject": subject, "body": "Hi."}, headers=world.acme_contact
        )
    client.get("/api/v1/tickets", headers=world.acme_contact)  # the minute's "last used"
    with connections_taken(app.engine) as checkouts:
        listed = client.get("/api/v1/tickets?limit=1", headers=world.acme_contact)

    assert [t["subject"] for t in listed.json()["items"]] == ["Echo on calls"]
    assert listed.json()["total"] == 2
    assert len(checkouts) == 2  # the token's, then the page's with its catalogue and links


def test_a_token_used_again_after_a_minute_records_the_new_use(
    app: Tierdesk, client: TestClient, world: World, clock: FixedClock
) -> None:
    client.get("/api/v1/tickets", headers=world.lead)
    clock.advance(timedelta(seconds=61))

    with statements(app.engine) as seen:
        client.get("/api/v1/tickets", headers=world.lead)

    assert [w.split()[1] for w in seen.writes] == ["api_tokens"]
    assert clock.now() in _last_used(app)  # type: ignore[operator]


def test_a_list_of_tickets_reads_no_messages(
    app: Tierdesk, client: TestClient, world: World
) -> None:
    for subject in ("No dial tone", "Echo on calls"):
        client.post(
            "/api/v1/tickets", json={"subject": subject, "body": "Hi."}, headers=world.acme_contact
        )

    with statements(app.engine) as seen:
        listed = client.get("/api/v1/tickets?limit=20", headers=world.l1_agent)

    assert [t["subject"] for t in listed.json()["items"]] == ["Echo on calls", "No dial tone"]
    assert seen.reading("messages") == []


def test_the_catalogue_is_read_from_memory_while_nothing_changed(app: Tierdesk) -> None:
    lead = make_agent(app.desk, role=Role.LEAD)
    create_product(app.desk, lead, NewProduct("PBX Cloud", components=["Trunks"]))
    list_products(app.desk)

    with statements(app.engine) as seen:
        products = list_products(app.desk)

    assert [p.name for p in products] == ["PBX Cloud"]
    assert seen.reading("products") == []
    assert seen.reading("components") == []


def test_a_catalogue_change_in_one_desk_is_seen_by_another_over_the_same_database(
    settings: Settings, clock: FixedClock
) -> None:
    one, other = bootstrap(settings, clock=clock), bootstrap(settings, clock=clock)
    try:
        lead = make_agent(one.desk, role=Role.LEAD)
        create_product(one.desk, lead, NewProduct("PBX Cloud"))
        assert [p.name for p in list_products(other.desk)] == ["PBX Cloud"]

        create_product(one.desk, lead, NewProduct("Softphone"))

        assert [p.name for p in list_products(other.desk)] == ["PBX Cloud", "Softphone"]
    finally:
        one.close()
        other.close()


def test_a_level_change_in_one_desk_is_seen_by_another_over_the_same_database(
    settings: Settings, clock: FixedClock
) -> None:
    one, other = bootstrap(settings, clock=clock), bootstrap(settings, clock=clock)
    try:
        lead = make_agent(one.desk, role=Role.LEAD)
        l1 = make_agent(one.desk, tiers=[1])
        update_level(one.desk, lead, Tier(1), LevelChanges(sees_restricted=False))
        assert sees_restricted(other.desk, l1) is False

        update_level(one.desk, lead, Tier(1), LevelChanges(sees_restricted=True))

        assert sees_restricted(other.desk, l1) is True
    finally:
        one.close()
        other.close()
