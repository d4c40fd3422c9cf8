"""Security headers on every answer (pages, the API, /docs, /static), no caching of what is
answered to a person, HSTS in production, and the API docs served from the desk itself."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient

from tests.factories import make_agent, token_for
from tests.web.conftest import Browser, WebDesk
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.app import create_app

SignIn = Callable[[Agent | Contact], Browser]
STRICT = "default-src 'none'; frame-ancestors 'none'"


def _has_the_common_headers(headers: httpx.Headers) -> None:
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("x-frame-options") == "DENY"
    assert headers.get("referrer-policy") == "same-origin"


def test_api_answers_carry_the_security_headers_and_are_never_cached(
    app: Tierdesk, client: TestClient
) -> None:
    token = token_for(app.desk, make_agent(app.desk, tiers=[1]))

    for response in (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}),
        client.get("/api/v1/me"),  # the 401 error too
        client.get("/openapi.json"),
    ):
        assert response.headers["content-type"] == "application/json"
        _has_the_common_headers(response.headers)
        assert response.headers["content-security-policy"] == STRICT
        assert response.headers["cache-control"] == "no-store"


def test_static_files_carry_the_security_headers_and_may_be_cached(client: TestClient) -> None:
    response = client.get("/static/desk.js")

    assert response.status_code == 200
    _has_the_common_headers(response.headers)
    assert response.headers["content-security-policy"] == STRICT
    assert "cache-control" not in response.headers


def test_pages_answered_to_a_signed_in_person_are_never_cached(
    web: WebDesk, signed_in: SignIn
) -> None:
    agent = signed_in(web.l1)
    customer = signed_in(web.acme_contact)

    for response in (agent.get("/queue"), customer.get("/portal/tickets")):
        assert response.status_code == 200
        _has_the_common_headers(response.headers)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"


def test_the_api_docs_are_served_from_the_desk_under_the_page_policy(client: TestClient) -> None:
    docs = client.get("/docs")

    assert docs.status_code == 200
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    assert not re.search(r"(https?:)?//", docs.text)  # nothing from a CDN, nothing external
    assert "<script>" not in docs.text  # no inline script: script-src 'self' holds
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sorted(assets) == [
        "/static/api-docs.js",
        "/static/swagger-ui-bundle.js",
        "/static/swagger-ui.css",
    ]
    for asset in assets:
        assert client.get(asset).status_code == 200
    assert client.get("/redoc").status_code == 404


def test_only_production_answers_ask_browsers_to_use_https_from_then_on(app: Tierdesk) -> None:
    assert "strict-transport-security" not in TestClient(create_app(app)).get("/signin").headers

    app.settings.env = "prod"
    app.settings.public_url = "https://support.kestrel.example"
    client = TestClient(create_app(app), base_url="https://support.kestrel.example")
    for path in ("/signin", "/api/v1/health", "/static/desk.css"):
        hsts = client.get(path).headers["strict-transport-security"]
        assert hsts == "max-age=31536000", path
