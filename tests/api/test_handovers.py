"""/api/v1/regions and /api/v1/handovers: a lead sets up the regions, a shift is handed over,
the next region takes it; customers and bad input get the error envelope."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer
from tests.factories import make_agent, make_ticket, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM


def test_a_lead_sets_up_regions_and_the_next_region_takes_what_was_handed_over(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    desk = app.desk
    emea, americas = make_agent(desk, tiers=[0, 1]), make_agent(desk, tiers=[0, 1])
    ticket = make_ticket(desk, subject="Trunk drops calls")
    tickets.assign_ticket(desk, SYSTEM, ticket.id or 0, emea.id)
    west = {
        "name": "Americas",
        "timezone": "America/New_York",
        "hours": "mon-fri 09:00-17:00",
        "agent_ids": [americas.id],
    }
    east = {
        "name": "EMEA",
        "timezone": "Europe/Berlin",
        "hours": "mon-fri 08:00-17:00",
        "hands_to": "Americas",
        "agent_ids": [emea.id],
    }
    assert client.post("/api/v1/regions", json=west, headers=world.lead).status_code == 201
    created = client.post("/api/v1/regions", json=east, headers=world.lead)
    assert created.status_code == 201
    assert created.json()["hands_to"] == "Americas"

    refused = client.post("/api/v1/regions", json=west | {"name": "X"}, headers=world.l1_agent)
    assert refused.status_code == 403
    bad = client.post(
        "/api/v1/regions", json=west | {"name": "Y", "timezone": "Mars/Olympus"}, headers=world.lead
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "timezone"

    handed = client.post("/api/v1/handovers", json={}, headers=bearer(token_for(desk, emea)))
    assert handed.json()["handed_over"] == 1
    theirs = bearer(token_for(desk, americas))
    [waiting] = client.get("/api/v1/handovers?to_us=true", headers=theirs).json()["items"]
    assert waiting["ticket"] == ticket.number
    assert "Next step:" in waiting["note"]
    assert client.get("/api/v1/handovers", headers=world.acme_contact).status_code == 403

    taken = client.post(f"/api/v1/handovers/{waiting['id']}/accept", json={}, headers=theirs)
    assert taken.json()["status"] == "accepted"
    assert tickets.get_ticket(desk, SYSTEM, ticket.id or 0).assignee_id == americas.id
    again = client.post(f"/api/v1/handovers/{waiting['id']}/accept", json={}, headers=theirs)
    assert again.status_code == 409
