"""A 422's problems name the field the caller sent: FastAPI puts "body" before every field of a
request body, and dropping every "body" from the path named a message's own ``body`` field ""
(the summary said "body" only by its fallback). On both engines."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from tests.api.conftest import World


def _problems(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_request"
    return [p["field"] for p in error["problems"]]


def test_a_message_body_too_long_is_named_body(client: TestClient, world: World) -> None:
    opened = client.post(
        "/api/v1/tickets", json={"subject": "No audio", "body": "x"}, headers=world.acme_contact
    )
    number = opened.json()["number"]

    answer = client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "a" * 200_001, "kind": "internal-note"},
        headers=world.lead,
    )

    assert _problems(answer) == ["body"]


def test_a_field_inside_the_body_and_a_query_parameter_keep_their_paths(
    client: TestClient, world: World
) -> None:
    listed = client.get("/api/v1/tickets", params={"limit": "many"}, headers=world.lead)
    opened = client.post(
        "/api/v1/tickets", json={"subject": ["not", "text"]}, headers=world.acme_contact
    )

    assert _problems(listed) == ["query.limit"]
    assert _problems(opened) == ["subject"]
