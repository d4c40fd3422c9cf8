"""/api/v1/plans and an organisation's plan: leads add a plan (its SLA policies copied from
another), change it and move an organisation onto it; the new plan's policies then run the
organisation's clocks. Agents are refused; a bad key is refused on its field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World


def test_a_lead_adds_a_plan_moves_an_organisation_and_its_tickets_run_the_copied_clocks(
    client: TestClient, world: World
) -> None:
    created = client.post(
        "/api/v1/plans",
        json={"key": "gold", "name": "Gold", "coverage": "24x7", "policies_from": "premium"},
        headers=world.lead,
    )
    renamed = client.patch(
        "/api/v1/plans/gold", json={"name": "Gold plus", "highest_level": 4}, headers=world.lead
    )
    org = client.get("/api/v1/me", headers=world.acme_contact).json()["contact"]
    moved = client.patch(
        f"/api/v1/organisations/{org['organisation_id']}", json={"plan": "gold"}, headers=world.lead
    )
    ticket = client.post(
        "/api/v1/tickets", json={"subject": "Down", "priority": "P1"}, headers=world.acme_contact
    ).json()
    deadlines = client.get(f"/api/v1/tickets/{ticket['number']}/deadlines", headers=world.lead)

    assert created.status_code == 201, created.text
    assert (renamed.json()["name"], renamed.json()["highest_level"]) == ("Gold plus", 4)
    assert moved.status_code == 200, moved.text
    policies = client.get("/api/v1/sla-policies", headers=world.lead).json()["items"]
    gold = {p["id"] for p in policies if p["plan"] == "gold" and p["priority"] == "P1"}
    assert {
        d["policy_id"] for d in deadlines.json()["items"] if d["clock"] == "first-response"
    } == gold


def test_agents_cannot_add_plans_and_a_bad_key_is_refused_on_its_field(
    client: TestClient, world: World
) -> None:
    agent = client.post("/api/v1/plans", json={"key": "mine", "name": "M"}, headers=world.l1_agent)
    bad = client.post("/api/v1/plans", json={"key": "Gold Plan", "name": "G"}, headers=world.lead)

    assert agent.status_code == 403
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "key"
    keys = [p["key"] for p in client.get("/api/v1/plans", headers=world.lead).json()["items"]]
    assert "mine" not in keys and "gold plan" not in keys
