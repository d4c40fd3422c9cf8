"""Guessing API tokens is slowed down like guessing passwords: invalid bearer tokens count
against the client address, which past the limit is answered 429 with Retry-After before any
token is looked up."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer
from tierdesk.adapters.clock import FixedClock


def test_invalid_bearer_tokens_from_one_address_are_answered_429(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    answers = [
        client.get("/api/v1/me", headers=bearer(f"td_guess-{n}")).status_code for n in range(20)
    ]
    assert answers == [401] * 19 + [429]

    refused = client.get("/api/v1/me", headers=world.l1_agent)  # a valid token waits too
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "600"
    error = refused.json()["error"]
    assert (error["code"], error["retry_after"]) == ("rate_limited", 600)
    assert "network address" in error["message"]

    clock.advance(timedelta(minutes=10))
    assert client.get("/api/v1/me", headers=world.l1_agent).status_code == 200


def test_a_valid_token_does_not_count_against_the_address(client: TestClient, world: World) -> None:
    for _ in range(25):
        assert client.get("/api/v1/me", headers=world.lead).status_code == 200
    assert client.get("/api/v1/me", headers=bearer("td_wrong")).status_code == 401
