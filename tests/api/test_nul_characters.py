"""A NUL character (U+0000) in any text a request carries is a 422 naming the field, on both
engines: PostgreSQL cannot store it (binding it failed with a 500) and SQLite stored it. So is
half of a UTF-16 surrogate pair, which neither driver can encode."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.api.conftest import World
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk


def _tickets(app: Tierdesk) -> int:
    with app.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(tables.tickets)) or 0)


def _refused(answer: httpx.Response, field: str) -> None:
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    assert "NUL" in error["message"]


def test_a_nul_in_a_json_string_is_refused_naming_it_and_nothing_is_stored(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    body = {"subject": "Dial tone\u0000", "body": "Nothing on the line."}
    answer = client.post("/api/v1/tickets", json=body, headers=world.acme_contact)

    _refused(answer, "subject")
    assert _tickets(app) == 0


def test_a_nul_deep_in_a_body_is_named_by_its_path(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    body = {"subject": "Dial tone", "body": "Nothing.", "tags": ["audio", "n\u0000at"]}
    answer = client.post("/api/v1/tickets", json=body, headers=world.acme_contact)

    _refused(answer, "tags.1")
    assert _tickets(app) == 0


def test_a_nul_in_a_query_or_path_parameter_is_refused(client: TestClient, world: World) -> None:
    _refused(client.get("/api/v1/tickets?q=echo%00", headers=world.l1_agent), "q")
    _refused(client.get("/api/v1/tickets?tag=a%00b", headers=world.l1_agent), "tag")
    _refused(client.get("/api/v1/queues/a%00b", headers=world.lead), "key")


def test_text_that_only_looks_like_a_nul_is_kept(client: TestClient, world: World) -> None:
    # An escaped backslash before "u0000" is six characters of text, not a NUL.
    body = {"subject": "Path C:\\u0000 missing", "body": "Nothing on the line."}
    answer = client.post("/api/v1/tickets", json=body, headers=world.acme_contact)

    assert answer.status_code == 201, answer.text
    assert answer.json()["subject"] == "Path C:\\u0000 missing"


def test_a_route_that_reads_its_own_body_still_reads_it_after_the_check(
    client: TestClient,
) -> None:
    # The tracker's webhook reads the body as sent (its signature is over the bytes): the check
    # reading a form-encoded body first must leave it there (it answered 500, stream consumed).
    for content_type, body in (
        ("application/x-www-form-urlencoded", "payload=%7B%7D"),
        ("multipart/form-data; boundary=x", "--x\r\n"),  # not even a form
    ):
        answer = client.post(
            "/api/v1/webhooks/tracker", content=body, headers={"content-type": content_type}
        )
        assert answer.status_code < 500, answer.text
        assert "error" in answer.json()


def test_half_a_surrogate_pair_is_refused_naming_it_and_a_whole_pair_is_kept(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    # httpx would refuse to encode a lone surrogate: the JSON is written as a client sends it.
    headers = {**world.acme_contact, "Content-Type": "application/json"}
    half = b'{"subject": "Dial tone \\ud800", "body": "Nothing on the line."}'
    pair = b'{"subject": "Dial tone \\ud83d\\ude00", "body": "Nothing on the line."}'

    refused = client.post("/api/v1/tickets", content=half, headers=headers)
    kept = client.post("/api/v1/tickets", content=pair, headers=headers)

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "subject"
    assert "surrogate" in refused.json()["error"]["message"]
    assert kept.status_code == 201 and kept.json()["subject"] == "Dial tone \U0001f600"
    assert _tickets(app) == 1
