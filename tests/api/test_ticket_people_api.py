"""PATCH /api/v1/tickets/{ref} changes the requester, the followers and the CCs, by the rules
the ticket page's Details panel uses too (services.tickets.apply_changes)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World, bearer
from tests.factories import make_agent, make_contact, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM


def _open(client: TestClient, world: World) -> str:
    created = client.post(
        "/api/v1/tickets",
        json={"subject": "Calls drop", "body": "After 32 seconds."},
        headers=world.acme_contact,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["number"])


def test_the_requester_becomes_a_colleague_of_the_same_organisation(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    number = _open(client, world)
    [acme] = [o for o in people.list_organisations(app.desk, SYSTEM) if o.name == "Acme Telecom"]
    elsewhere = make_contact(app.desk)  # of another organisation
    moved = client.patch(
        f"/api/v1/tickets/{number}", json={"requester_id": elsewhere.id}, headers=world.lead
    )
    assert moved.status_code == 422
    assert moved.json()["error"]["field"] == "requester_id"

    colleague = make_contact(app.desk, organisation=acme)
    changed = client.patch(
        f"/api/v1/tickets/{number}", json={"requester_id": colleague.id}, headers=world.lead
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["requester_id"] == colleague.id
    events = client.get(f"/api/v1/tickets/{number}/events", headers=world.lead).json()["items"]
    assert any(e["action"] == "ticket.requester_changed" for e in events)


def test_an_agent_follows_but_only_a_lead_sets_other_followers(
    client: TestClient, world: World, app: Tierdesk
) -> None:
    number = _open(client, world)
    other = make_agent(app.desk, tiers=[1])
    lead = make_agent(app.desk, tiers=[1], role=Role.LEAD)
    url = f"/api/v1/tickets/{number}"

    mine = client.patch(url, json={"followers": [world.l1_agent_id]}, headers=world.l1_agent)
    theirs = client.patch(
        url, json={"followers": [world.l1_agent_id, other.id]}, headers=world.l1_agent
    )
    by_lead = client.patch(
        url, json={"followers": [other.id]}, headers=bearer(token_for(app.desk, lead))
    )

    assert mine.status_code == 200 and mine.json()["followers"] == [world.l1_agent_id]
    assert theirs.status_code == 403
    assert by_lead.status_code == 200 and by_lead.json()["followers"] == [other.id]
    seen_by_customer = client.get(url, headers=world.acme_contact).json()
    assert seen_by_customer["followers"] == []


def test_an_agent_sets_the_ccs_which_the_customers_organisation_sees_too(
    client: TestClient, world: World
) -> None:
    number = _open(client, world)
    url = f"/api/v1/tickets/{number}"

    bad = client.patch(url, json={"ccs": ["ops@acme.example", "ops"]}, headers=world.l1_agent)
    good = client.patch(url, json={"ccs": ["OPS@acme.example"]}, headers=world.l1_agent)

    assert bad.status_code == 422 and bad.json()["error"]["field"] == "ccs"
    assert good.status_code == 200 and good.json()["ccs"] == ["ops@acme.example"]
    assert client.get(url, headers=world.acme_contact).json()["ccs"] == ["ops@acme.example"]
    assert client.get(url, headers=world.globex_contact).status_code == 404
