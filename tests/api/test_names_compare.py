"""Names compare case-insensitively the same way on both engines, in every script: a second
organisation, product or automation rule named like an existing one is a 409 — never a 500,
and never accepted on SQLite (whose ``lower()`` folds ASCII only) while refused on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World

SAME_AS = {
    "Ölwerk Nord": ["Ölwerk Nord", "ölwerk nord", "ÖLWERK NORD", " Ölwerk  Nord "],
    "Straße Süd": ["STRASSE SÜD", "strasse süd"],
    "Acme": ["acme", "ACME"],
}


def _post(client: TestClient, world: World, path: str, body: dict[str, Any]) -> int:
    return client.post(f"/api/v1/{path}", json=body, headers=world.lead).status_code


@pytest.mark.parametrize("first", list(SAME_AS))
def test_an_organisation_named_again_in_other_capitals_is_a_conflict(
    client: TestClient, world: World, first: str
) -> None:
    assert _post(client, world, "organisations", {"name": first}) == 201
    for again in SAME_AS[first]:
        assert _post(client, world, "organisations", {"name": again}) == 409, again


def test_a_contact_finds_their_organisation_by_its_name_in_any_capitals(
    client: TestClient, world: World
) -> None:
    assert _post(client, world, "organisations", {"name": "Ölwerk Nord"}) == 201

    created = client.post(
        "/api/v1/contacts",
        json={"email": "jana@oelwerk.example", "name": "Jana", "organisation": "ÖLWERK NORD"},
        headers=world.lead,
    )

    assert created.status_code == 201, created.text
    organisations = client.get("/api/v1/organisations", headers=world.lead).json()["items"]
    [oelwerk] = [o for o in organisations if o["name"] == "Ölwerk Nord"]
    assert created.json()["organisation_id"] == oelwerk["id"]


def test_a_product_named_again_in_other_capitals_is_a_conflict(
    client: TestClient, world: World
) -> None:
    assert _post(client, world, "products", {"name": "Ölwerk Phone", "key": "oelwerk"}) == 201
    for again in ("Ölwerk Phone", "ÖLWERK PHONE"):
        assert _post(client, world, "products", {"name": again, "key": "other"}) == 409, again

    ticket = client.post(
        "/api/v1/tickets",
        json={"subject": "x", "body": "y", "product": "ölwerk phone"},
        headers=world.acme_contact,
    )
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["catalog"]["product"] == "Ölwerk Phone"


def test_an_automation_rule_named_again_in_other_capitals_is_a_conflict(
    client: TestClient, world: World
) -> None:
    def rule(name: str) -> dict[str, Any]:
        return {
            "name": name,
            "condition": {"all": []},
            "actions": [{"type": "add_tag", "value": "x"}],
        }

    assert _post(client, world, "rules", rule("Übergabe an L2")) == 201
    for again in ("Übergabe an L2", "ÜBERGABE AN L2", "übergabe an l2"):
        assert _post(client, world, "rules", rule(again)) == 409, again
    assert client.get("/api/v1/rules/ÜBERGABE an l2", headers=world.lead).status_code == 200
