"""A ticket is named by its id (42) or its number (TD-1042) wherever the API names one: every
`{ticket_ref}` path of the OpenAPI document (routers added later included) and the body fields
that name tickets."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import World


def _open(client: TestClient, world: World) -> dict[str, Any]:
    body = {"subject": "One-way audio", "body": "Callers cannot hear us."}
    answer = client.post("/api/v1/tickets", json=body, headers=world.acme_contact)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_every_ticket_path_answers_the_same_for_the_id_and_the_number(
    client: TestClient, world: World
) -> None:
    ticket = _open(client, world)
    spec = client.get("/openapi.json").json()
    paths = [
        path
        for path, item in spec["paths"].items()
        if "get" in item
        and [p["name"] for p in item["get"].get("parameters", []) if p["in"] == "path"]
        == ["ticket_ref"]
    ]
    differing = {}
    for path in paths:
        by_id = client.get(path.format(ticket_ref=ticket["id"]), headers=world.lead)
        by_number = client.get(path.format(ticket_ref=ticket["number"]), headers=world.lead)
        bare = ticket["number"].rsplit("-", 1)[1]
        by_bare_number = client.get(path.format(ticket_ref=bare), headers=world.lead)
        if by_id.status_code == 200 and ticket["id"] != int(bare):
            assert by_bare_number.status_code in (200, 404)  # a bare number may be an id
        if by_id.status_code != by_number.status_code:
            differing[path] = (by_id.status_code, by_number.status_code)

    assert len(paths) > 10
    assert differing == {}


def test_an_article_names_its_source_tickets_by_id_or_number(
    client: TestClient, world: World
) -> None:
    first, second = _open(client, world), _open(client, world)
    body = {
        "title": "One-way audio after an upgrade",
        "problem": "Callers cannot hear us",
        "answer": "Turn off SIP ALG on the firewall.",
        "source_tickets": [first["id"], second["number"]],
    }

    created = client.post("/api/v1/articles", json=body, headers=world.l1_agent)
    unknown = client.post(
        "/api/v1/articles", json={**body, "source_tickets": ["TD-999999"]}, headers=world.l1_agent
    )

    assert created.status_code == 201, created.text
    assert sorted(created.json()["source_tickets"]) == sorted([first["number"], second["number"]])
    assert unknown.status_code == 404
