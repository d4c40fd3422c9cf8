"""Pages are tested through the real app (TestClient) on both engines: people sign in through
the form with a password and send the page's CSRF token back, as a browser does."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import make_organisation, suffix
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Agent, Contact, Organisation, Role
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def agent_with_password(
    app: Tierdesk, tiers: list[int], role: Role = Role.AGENT, name: str | None = None
) -> Agent:
    return people.create_agent(
        app.desk,
        SYSTEM,
        people.NewAgent(
            email=f"agent-{suffix()}@kestrel.example",
            name=name or f"Agent {suffix()}",
            tiers=tiers,
            role=role,
            password=PASSWORD,
        ),
    )


def contact_with_password(app: Tierdesk, organisation: Organisation) -> Contact:
    return people.create_contact(
        app.desk,
        SYSTEM,
        people.NewContact(
            email=f"contact-{suffix()}@example.com",
            name=f"Contact {suffix()}",
            organisation=organisation.name,
            password=PASSWORD,
        ),
    ).contact


class Browser:
    """A TestClient with its own cookie jar that remembers the last page's CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.token = ""

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response = self.client.get(url, **kwargs)
        found = _CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def suggest(self, draft: dict[str, str]) -> httpx.Response:
        """What the portal's new-ticket form asks while the customer types (the form's page
        first, for its CSRF token)."""
        self.get("/portal/tickets/new")
        return self.post("/portal/suggest", draft)

    def sign_in(self, who: Agent | Contact, password: str = PASSWORD) -> httpx.Response:
        path = "/portal/signin" if isinstance(who, Contact) else "/signin"
        self.get(path)
        return self.post(path, {"email": who.email, "password": password})


@dataclass
class WebDesk:
    app: Tierdesk
    acme: Organisation
    globex: Organisation
    acme_contact: Contact
    globex_contact: Contact
    l1: Agent
    l2: Agent
    lead: Agent


@pytest.fixture
def web(app: Tierdesk) -> WebDesk:
    acme = make_organisation(app.desk, name=f"Acme {suffix()}", plan="premium")
    globex = make_organisation(app.desk, name=f"Globex {suffix()}")
    return WebDesk(
        app=app,
        acme=acme,
        globex=globex,
        acme_contact=contact_with_password(app, acme),
        globex_contact=contact_with_password(app, globex),
        l1=agent_with_password(app, [1], name="Lena One"),
        l2=agent_with_password(app, [2], name="Otto Two"),
        lead=agent_with_password(app, [1, 2], Role.LEAD, name="Lea Lead"),
    )


@pytest.fixture
def web_app(app: Tierdesk) -> FastAPI:
    return create_app(app)


@pytest.fixture
def new_browser(web_app: FastAPI) -> Callable[[], Browser]:
    return lambda: Browser(TestClient(web_app))


@pytest.fixture
def signed_in(new_browser: Callable[[], Browser]) -> Callable[[Agent | Contact], Browser]:
    def open_as(who: Agent | Contact) -> Browser:
        browser = new_browser()
        response = browser.sign_in(who)
        assert response.status_code == 200, response.text[:500]
        return browser

    return open_as
