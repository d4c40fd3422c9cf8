"""An integrator's client built from nothing but the OpenAPI document can call the desk, and
every answer (errors included) and every documented example fits its documented schema."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.api.openapi_client import SpecClient, check


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def test_every_documented_example_fits_its_schema(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            contents = [("body", operation.get("requestBody", {}).get("content", {}))]
            contents += [(s, r.get("content", {})) for s, r in operation["responses"].items()]
            for where, content in contents:
                media = content.get("application/json")
                if media and "example" in media:
                    check(spec, media["schema"], media["example"], f"{method} {path} {where}")


def test_a_client_from_the_document_opens_pages_and_answers_a_ticket(
    client: TestClient, world: World, spec: dict[str, Any]
) -> None:
    customer = SpecClient(spec, client, world.acme_contact)
    agent = SpecClient(spec, client, world.l1_agent)
    create = customer.find("post", "/api/v1/tickets")
    example = spec["paths"]["/api/v1/tickets"]["post"]["requestBody"]["content"][
        "application/json"
    ]["example"]

    status, opened = customer.call(create, body=example)
    for _ in range(2):
        customer.call(create, body={**example, "subject": "Another drop"})
    status_by_number, by_number = agent.call(
        agent.find("get", "/api/v1/tickets/{ticket_ref}"), ticket_ref=opened["number"]
    )
    _, by_id = agent.call(
        agent.find("get", "/api/v1/tickets/{ticket_ref}"), ticket_ref=opened["id"]
    )
    reply = agent.find("post", "/api/v1/tickets/{ticket_ref}/messages")
    agent.call(reply, body={"body": "Which client version?"}, ticket_ref=opened["number"])

    listing = agent.find("get", "/api/v1/tickets")
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1, "sort": "-updated"}
        _, page = agent.call(listing, **params, **({"cursor": cursor} if cursor else {}))
        seen += [t["id"] for t in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    _, thread = customer.call(
        customer.find("get", "/api/v1/tickets/{ticket_ref}/messages"),
        ticket_ref=opened["number"],
        limit=1,
    )

    assert (status, status_by_number) == (201, 200)
    assert by_number["id"] == by_id["id"] == opened["id"]
    assert len(seen) == len(set(seen)) == 3
    assert len(thread["items"]) == 1 and thread["next_cursor"]


def test_the_errors_a_client_meets_fit_the_documented_envelope(
    client: TestClient, world: World, spec: dict[str, Any]
) -> None:
    agent = SpecClient(spec, client, world.l1_agent)
    anonymous = SpecClient(spec, client, {})
    get_ticket = agent.find("get", "/api/v1/tickets/{ticket_ref}")

    missing, not_found = agent.call(get_ticket, ticket_ref="TD-999999")
    refused, unauthenticated = anonymous.call(get_ticket, ticket_ref="TD-1")
    invalid, bad_limit = agent.call(agent.find("get", "/api/v1/tickets"), limit=500)

    assert (missing, refused, invalid) == (404, 401, 422)
    assert not_found["error"]["code"] == "not_found"
    assert unauthenticated["error"]["code"] == "unauthenticated"
    assert bad_limit["error"]["problems"][0]["field"].endswith("limit")
