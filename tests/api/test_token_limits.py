"""Guessing API tokens is slowed down like guessing passwords: invalid bearer tokens count
against the client address, which past the limit is answered 429 with Retry-After before any
token is looked up; in a budget of its own, apart from the address's failed sign-ins."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.errors import UnauthenticatedError
from tierdesk.services.sign_in_limits import SignInPausedError
from tierdesk.services.web_sessions import Audience, sign_in


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


def test_failed_sign_ins_from_an_address_do_not_stop_its_integrations_nor_the_reverse(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    # Behind one proxy everybody has the proxy's address: people mistyping their passwords
    # there must not stop the integrations, whose tokens have a budget of their own.
    for n in range(25):
        with contextlib.suppress(UnauthenticatedError, SignInPausedError):
            sign_in(app.desk, Audience.AGENT, f"nobody-{n}@example.com", "wrong", "testclient")
    with pytest.raises(SignInPausedError):
        sign_in(app.desk, Audience.AGENT, "nobody@example.com", "wrong", "testclient")

    assert client.get("/api/v1/me", headers=world.l1_agent).status_code == 200
