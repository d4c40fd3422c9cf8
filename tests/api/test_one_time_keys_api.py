"""The API's Idempotency-Key: a post sent again after its answer was lost makes nothing twice
and is answered with what the first made; a refused post leaves its key unused; a key is
one person's and one request's. In process, on both engines."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.api.conftest import World
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk

NEW = {"subject": "One-way audio after upgrade", "body": "Callers cannot hear us."}


def _count(app: Tierdesk, table: object) -> int:
    with app.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def _keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def test_a_ticket_posted_again_with_its_key_is_opened_once_and_answered_as_the_first(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    key = str(uuid.uuid4())
    tickets, messages = _count(app, tables.tickets), _count(app, tables.messages)
    first = client.post("/api/v1/tickets", json=NEW, headers=_keyed(world.acme_contact, key))
    again = client.post("/api/v1/tickets", json=NEW, headers=_keyed(world.acme_contact, key))
    assert first.status_code == again.status_code == 201, again.text
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert again.json()["subject"] == NEW["subject"]
    assert _count(app, tables.tickets) == tickets + 1
    assert _count(app, tables.messages) == messages + 1
    # without a key, the same post is a new ticket
    other = client.post("/api/v1/tickets", json=NEW, headers=world.acme_contact)
    assert other.status_code == 201 and other.json()["number"] != first.json()["number"]


def test_a_refused_post_leaves_its_key_for_the_corrected_one(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    key = uuid.uuid4().hex
    tickets = _count(app, tables.tickets)
    refused = client.post(
        "/api/v1/tickets", json={**NEW, "subject": "   "}, headers=_keyed(world.acme_contact, key)
    )
    assert refused.status_code == 422, refused.text
    assert _count(app, tables.tickets) == tickets
    corrected = client.post("/api/v1/tickets", json=NEW, headers=_keyed(world.acme_contact, key))
    assert corrected.status_code == 201, corrected.text
    assert "Idempotent-Replayed" not in corrected.headers
    assert _count(app, tables.tickets) == tickets + 1


def test_a_message_posted_again_with_its_key_is_added_once(
    client: TestClient, world: World, app: Tierdesk, clock: FixedClock
) -> None:
    number = client.post("/api/v1/tickets", json=NEW, headers=world.acme_contact).json()["number"]
    clock.advance(timedelta(minutes=3))
    key = uuid.uuid4().hex
    reply = {"kind": "public-reply", "body": "Which version do you run?"}
    path = f"/api/v1/tickets/{number}/messages"
    messages = _count(app, tables.messages)
    first = client.post(path, json=reply, headers=_keyed(world.l1_agent, key))
    again = client.post(path, json=reply, headers=_keyed(world.l1_agent, key))
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["body"] == reply["body"]
    assert _count(app, tables.messages) == messages + 1


def test_a_key_used_for_one_request_is_refused_for_another(
    client: TestClient, world: World, app: Tierdesk, clock: FixedClock
) -> None:
    number = client.post("/api/v1/tickets", json=NEW, headers=world.acme_contact).json()["number"]
    clock.advance(timedelta(minutes=3))
    key = uuid.uuid4().hex
    said = {"body": "It happens on every call."}
    added = client.post(
        f"/api/v1/tickets/{number}/messages", json=said, headers=_keyed(world.acme_contact, key)
    )
    assert added.status_code == 201, added.text
    tickets = _count(app, tables.tickets)
    opened = client.post("/api/v1/tickets", json=NEW, headers=_keyed(world.acme_contact, key))
    assert opened.status_code == 409, opened.text
    assert opened.json()["error"]["code"] == "conflict"
    assert "new key" in opened.json()["error"]["message"]
    assert _count(app, tables.tickets) == tickets
    other = client.post("/api/v1/tickets", json=NEW, headers=world.acme_contact).json()["number"]
    elsewhere = client.post(
        f"/api/v1/tickets/{other}/messages", json=said, headers=_keyed(world.acme_contact, key)
    )
    assert elsewhere.status_code == 409, elsewhere.text


def test_a_key_sent_again_with_other_words_or_another_kind_is_refused_and_not_answered_as_done(
    client: TestClient, world: World, app: Tierdesk, clock: FixedClock
) -> None:
    """The repeat is answered with what the first made only when it asks for the same: a
    public reply sent with an internal note's key was answered 201 with the note, and never
    sent."""
    ticket_key = uuid.uuid4().hex
    first = client.post("/api/v1/tickets", json=NEW, headers=_keyed(world.acme_contact, ticket_key))
    number = first.json()["number"]
    other_ticket = {"subject": "Second request", "body": "Something else entirely."}
    reopened = client.post(
        "/api/v1/tickets", json=other_ticket, headers=_keyed(world.acme_contact, ticket_key)
    )
    clock.advance(timedelta(minutes=3))
    note_key = uuid.uuid4().hex
    path = f"/api/v1/tickets/{number}/messages"
    note = {"kind": "internal-note", "body": "Checked the trunk."}
    client.post(path, json=note, headers=_keyed(world.l1_agent, note_key))
    messages = _count(app, tables.messages)

    as_reply = client.post(
        path, json={**note, "kind": "public-reply"}, headers=_keyed(world.l1_agent, note_key)
    )
    other_words = client.post(
        path, json={**note, "body": "Rebooted it."}, headers=_keyed(world.l1_agent, note_key)
    )
    same = client.post(path, json=note, headers=_keyed(world.l1_agent, note_key))

    for refused in (reopened, as_reply, other_words):
        assert refused.status_code == 409, refused.text
        assert "new key" in refused.json()["error"]["message"]
    assert same.status_code == 201 and same.headers["Idempotent-Replayed"] == "true"
    assert _count(app, tables.messages) == messages


def test_someone_elses_key_or_a_malformed_one_is_refused_by_name_and_nothing_is_stored(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    key = uuid.uuid4().hex
    assert (
        client.post(
            "/api/v1/tickets", json=NEW, headers=_keyed(world.acme_contact, key)
        ).status_code
        == 201
    )
    tickets = _count(app, tables.tickets)
    for headers in (
        _keyed(world.globex_contact, key),  # the Acme contact's key
        _keyed(world.acme_contact, "short"),
        _keyed(world.acme_contact, "x" * 65),
        _keyed(world.acme_contact, "has spaces in it, see?"),
        _keyed(world.acme_contact, "<script>alert(1)</script>"),
    ):
        refused = client.post("/api/v1/tickets", json=NEW, headers=headers)
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["field"] == "Idempotency-Key" and "Idempotency-Key" in error["message"]
    assert _count(app, tables.tickets) == tickets


def test_two_posts_racing_with_one_key_open_one_ticket_and_both_are_answered_with_it(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    key = uuid.uuid4().hex
    tickets = _count(app, tables.tickets)
    start = threading.Barrier(4)
    answers: list[tuple[int, str]] = []

    def post() -> None:
        start.wait()
        answer = client.post("/api/v1/tickets", json=NEW, headers=_keyed(world.acme_contact, key))
        answers.append((answer.status_code, answer.json().get("number", answer.text)))

    racers = [threading.Thread(target=post) for _ in range(4)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
    assert len(answers) == 4
    assert {status for status, _ in answers} == {201}, answers
    assert len({number for _, number in answers}) == 1
    assert _count(app, tables.tickets) == tickets + 1
