"""Ids too large for any id column (32-bit on PostgreSQL, 64-bit on SQLite) are refused or not
found, never a server error: every route of the app is walked, so a new route is covered the day
it is added."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.factories import token_for
from tests.web.conftest import Browser, WebDesk, agent_with_password
from tierdesk.domain.people import Agent, Contact, Role
from tierdesk.services import tickets

SignIn = Callable[[Agent | Contact], Browser]
TOO_LARGE = (2**31, 2**63, 2**64)
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")
_TICKET_PARAMS = {"ticket_ref", "reference"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    params: tuple[str, ...]
    id_queries: tuple[str, ...]  # query parameters naming a record: ``…_id``


def _routes(app: FastAPI) -> Iterator[Route]:
    for route in iter_route_contexts(app.routes):
        path, methods = route.path, route.methods or set()
        if not path or path.startswith("/static"):
            continue
        dependant = getattr(route, "dependant", None)
        queries = tuple(
            p.name
            for p in (dependant.query_params if dependant is not None else [])
            if p.name.endswith("_id")
        )
        for method in sorted(methods - {"HEAD"}):
            yield Route(method, path, tuple(_PARAM.findall(path)), queries)


def _paths(route: Route, number: str, big: int) -> set[str]:
    """Every parameter too large; and, where a ticket is named, a real ticket with the other
    parameters too large (so the id is what the route has to refuse)."""
    paths = set()
    names_a_ticket = any(p in _TICKET_PARAMS for p in route.params)
    others = any(p not in _TICKET_PARAMS for p in route.params)
    for ticket in (str(big), number) if names_a_ticket and others else (str(big),):
        path = route.path
        for name in route.params:
            value = ticket if name in _TICKET_PARAMS else str(big)
            path = _PARAM.sub(lambda m, n=name, v=value: v if m.group(1) == n else m.group(0), path)
        paths.add(path)
    return paths


@pytest.fixture
def admin(web: WebDesk) -> Agent:
    return agent_with_password(web.app, [0, 1, 2, 3, 4], Role.ADMIN)


def test_no_route_answers_a_too_large_id_with_a_server_error(
    web: WebDesk, web_app: FastAPI, admin: Agent, signed_in: SignIn
) -> None:
    number = (
        tickets.open_ticket(
            web.app.desk, web.acme_contact, tickets.NewTicket(subject="Ids", body_text="x")
        ).number
        or ""
    )
    bearer = {"Authorization": f"Bearer {token_for(web.app.desk, admin)}"}
    browser = signed_in(admin)
    browser.get("/queue")  # the CSRF token of the signed-in session
    pages = TestClient(web_app, raise_server_exceptions=False, cookies=browser.client.cookies)
    api = TestClient(web_app, raise_server_exceptions=False)
    routes = [r for r in _routes(web_app) if r.params or r.id_queries]
    assert len(routes) > 60  # the walk sees the included routers, not just the app's own
    failures = []
    for route in routes:
        for big in TOO_LARGE:
            query = {name: str(big) for name in route.id_queries}
            for path in _paths(route, number, big):
                response: httpx.Response
                if path.startswith("/api/"):
                    body = {} if route.method in ("POST", "PUT", "PATCH") else None
                    response = api.request(
                        route.method, path, params=query, json=body, headers=bearer
                    )
                else:
                    form = {"csrf_token": browser.token} if route.method == "POST" else None
                    response = pages.request(
                        route.method,
                        path,
                        params=query,
                        data=form,
                        headers={"X-CSRF-Token": browser.token},
                    )
                if response.status_code >= 500:
                    failures.append(f"{route.method} {path}?{query} -> {response.status_code}")
    assert failures == []


def test_ids_in_bodies_forms_and_filters_are_held_to_the_same_range(
    web: WebDesk, web_app: FastAPI, admin: Agent, signed_in: SignIn
) -> None:
    number = (
        tickets.open_ticket(
            web.app.desk, web.acme_contact, tickets.NewTicket(subject="Ids", body_text="x")
        ).number
        or ""
    )
    bearer = {"Authorization": f"Bearer {token_for(web.app.desk, admin)}"}
    api = TestClient(web_app, raise_server_exceptions=False)
    browser = signed_in(admin)
    browser.get("/queue")  # the CSRF token of the signed-in session
    big = 2**63
    answers = {
        "open for": api.post(
            "/api/v1/tickets",
            json={"subject": "x", "body": "y", "requester_id": big},
            headers=bearer,
        ),
        "assign": api.patch(f"/api/v1/tickets/{number}", json={"assignee_id": big}, headers=bearer),
        "accept for": api.post(
            f"/api/v1/tickets/{number}/escalation/accept",
            json={"assignee_id": big},
            headers=bearer,
        ),
        "diagnostics": api.post(
            f"/api/v1/tickets/{number}/escalate",
            json={"to_level": 2, "reason": "r", "packet": {"symptoms": "s", "diagnostics": [big]}},
            headers=bearer,
        ),
        "queue filter": browser.get(f"/queue?assignee={big}"),
        "bulk assign": browser.post("/queue/assign", {"ticket": [number], "assignee": str(big)}),
        "bulk link": browser.post(
            "/queue/link-incident", {"ticket": [number], "incident": str(big)}
        ),
    }
    assert {
        what: r.status_code for what, r in answers.items() if r.status_code not in (404, 422)
    } == {}


def test_a_number_typed_or_chosen_in_a_page_form_is_held_to_the_same_range(
    web: WebDesk, web_app: FastAPI, signed_in: SignIn
) -> None:
    # Found typing KB-99999999999999999999 into the ticket page's "A KB article helped" box:
    # a 500. "²" passes str.isdigit() and fails int(): a 500 too.
    opened = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="Ids", body_text="x")
    )
    number = opened.number or ""
    tickets.solve_ticket(web.app.desk, web.l1, number, "Done.")
    agent = signed_in(web.lead)
    agent.get("/queue")
    agent.client = TestClient(web_app, raise_server_exceptions=False, cookies=agent.client.cookies)
    customer = signed_in(web.acme_contact)
    customer.get(f"/portal/tickets/{number}")
    customer.client = TestClient(
        web_app, raise_server_exceptions=False, cookies=customer.client.cookies
    )
    huge = str(2**70)
    answers = {}
    for value in (huge, "²"):
        answers[f"article {value}"] = agent.post(
            f"/tickets/{number}/articles", {"article": f"KB-{value}"}
        )
        answers[f"requester {value}"] = agent.post(
            "/tickets/new", {"requester_id": value, "subject": "Caller", "body": "x"}
        )
        answers[f"hand-over taker {value}"] = agent.post(
            "/handovers/1/reassign", {"assignee": value}
        )
        answers[f"rating {value}"] = customer.post(
            f"/portal/tickets/{number}/rating", {"score": value}
        )

    assert {what: r.status_code for what, r in answers.items() if r.status_code >= 500} == {}
    assert answers[f"article {huge}"].status_code == 422
    assert answers["rating ²"].status_code == 422
