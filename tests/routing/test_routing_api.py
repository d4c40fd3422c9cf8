"""Routing through the REST API, set up the way an admin would, on both engines."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import make_agent, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role
from tierdesk.services.auth import SYSTEM, issue_token

Headers = dict[str, str]


def bearer_for(app: Tierdesk, email: str) -> Headers:
    return {"Authorization": f"Bearer {issue_token(app.desk, SYSTEM, email).token}"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def error_of(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"]
    return str(error["code"])


def create_agent(client: TestClient, lead: Headers, name: str, **fields: Any) -> dict[str, Any]:
    body = {"email": f"{name.lower()}@kestrel.example", "name": name, "levels": [1]}
    created = ok(client.post("/api/v1/agents", json=body, headers=lead), 201)
    return ok(client.patch(f"/api/v1/agents/{created['id']}", json=fields, headers=lead))


def set_up_desk(app: Tierdesk, client: TestClient) -> tuple[Headers, dict[str, dict[str, Any]]]:
    """Everything through the API except the first lead and the tokens (those are CLI-only).
    German SBC tickets on paid plans go to l1-sbc-de, other SBC tickets to l1-sbc."""
    lead_agent = make_agent(app.desk, tiers=[0, 1, 2], role=Role.LEAD)
    lead = {"Authorization": f"Bearer {token_for(app.desk, lead_agent)}"}
    product = {"name": "Kestrel SBC", "key": "kestrel-sbc", "components": ["Media Relay"]}
    ok(client.post("/api/v1/products", json=product, headers=lead), 201)
    for queue in (
        {"key": "l1-sbc-de", "name": "SBC, German", "level": 1, "product": "kestrel-sbc",
         "languages": ["de"]},
        {"key": "l1-sbc", "name": "SBC", "level": 1, "product": "kestrel-sbc"},
        {"key": "l2-sbc", "name": "SBC seniors", "level": 2, "product": "kestrel-sbc"},
    ):  # fmt: skip
        ok(client.post("/api/v1/queues", json=queue, headers=lead), 201)
    for rule in (
        {"name": "German SBC, paid", "queue": "l1-sbc-de",
         "conditions": {"products": ["kestrel-sbc"], "languages": ["de"],
                        "plans": ["standard", "premium"]}},
        {"name": "SBC", "queue": "l1-sbc", "conditions": {"products": ["kestrel-sbc"]}},
    ):  # fmt: skip
        ok(client.post("/api/v1/routing-rules", json=rule, headers=lead), 201)
    agents = {
        "anna": create_agent(client, lead, "Anna", languages=["de", "en"], skills=["Kestrel SBC"],
                             queues=["l1-sbc-de"]),
        "bruno": create_agent(client, lead, "Bruno", languages=["de"], queues=["l1-sbc-de"]),
        "carla": create_agent(client, lead, "Carla", languages=["en"], skills=["Kestrel SBC"],
                              queues=["l1-sbc"]),
    }  # fmt: skip
    return lead, agents


def add_customer(client: TestClient, lead: Headers, name: str, plan: str, language: str) -> None:
    org = {"name": f"{name} GmbH", "plan": plan}
    ok(client.post("/api/v1/organisations", json=org, headers=lead), 201)
    contact = {"email": f"{name.lower()}@customer.example", "name": name, "language": language,
               "organisation": f"{name} GmbH"}  # fmt: skip
    ok(client.post("/api/v1/contacts", json=contact, headers=lead), 201)


def open_p2_problem(client: TestClient, customer: Headers) -> dict[str, Any]:
    body = {"subject": "Einseitige Sprachübertragung", "body": "Seit dem Update hört man uns "
            "nicht.", "type": "problem", "priority": "P2", "product": "kestrel-sbc",
            "component": "Media Relay"}  # fmt: skip
    return dict(ok(client.post("/api/v1/tickets", json=body, headers=customer), 201))


def test_a_customer_on_a_paid_plan_opens_a_p2_problem_and_it_reaches_the_right_l1_agent(
    app: Tierdesk, client: TestClient
) -> None:
    lead, agents = set_up_desk(app, client)
    add_customer(client, lead, "Jonas", "standard", "de")
    customer = bearer_for(app, "jonas@customer.example")

    opened = open_p2_problem(client, customer)

    assert (opened["level"], opened["queue"]) == (1, "l1-sbc-de")
    assert opened["assignee_id"] == agents["anna"]["id"]  # Bruno speaks German, Anna also knows SBC
    routing = ok(client.get(f"/api/v1/tickets/{opened['number']}/routing", headers=lead))
    assert (routing["level"], routing["queue"]) == (1, "l1-sbc-de")
    [decision] = routing["decisions"]
    assert decision["by"] == "routing"
    assert decision["changes"] == {
        "queue": [None, "l1-sbc-de"],
        "tier": [0, 1],
        "assignee_id": [None, agents["anna"]["id"]],
    }
    assert decision["why"] == (
        "rule 'German SBC, paid' (#1) matched (product kestrel-sbc, language de, plan "
        "standard) → l1-sbc-de (L1); Anna: speaks de, knows Kestrel SBC, 0/20 open"
    )
    anna = bearer_for(app, "anna@kestrel.example")
    mine = ok(client.get("/api/v1/tickets", params={"assignee_id": agents["anna"]["id"]},
                         headers=anna))  # fmt: skip
    assert [t["number"] for t in mine["items"]] == [opened["number"]]
    # The customer sees neither the routing decision nor its reasons.
    customer_events = ok(
        client.get(f"/api/v1/tickets/{opened['number']}/events", headers=customer)
    )["items"]
    assert "ticket.routed" not in [e["action"] for e in customer_events]
    refused = client.get(f"/api/v1/tickets/{opened['number']}/routing", headers=customer)
    assert error_of(refused, 403) == "permission_denied"


def test_the_plan_and_the_language_pick_another_queue_and_agent(
    app: Tierdesk, client: TestClient
) -> None:
    lead, agents = set_up_desk(app, client)
    add_customer(client, lead, "Emma", "basic", "en")

    opened = open_p2_problem(client, bearer_for(app, "emma@customer.example"))

    assert (opened["level"], opened["queue"]) == (1, "l1-sbc")
    assert opened["assignee_id"] == agents["carla"]["id"]


def test_an_agent_marked_away_through_the_api_gets_no_new_work(
    app: Tierdesk, client: TestClient
) -> None:
    lead, agents = set_up_desk(app, client)
    add_customer(client, lead, "Jonas", "premium", "de")
    anna = bearer_for(app, "anna@kestrel.example")

    away = ok(client.patch(f"/api/v1/agents/{agents['anna']['id']}", json={"away": True},
                           headers=anna))  # fmt: skip
    opened = open_p2_problem(client, bearer_for(app, "jonas@customer.example"))

    assert away["away"] is True
    assert opened["assignee_id"] == agents["bruno"]["id"]
    why = ok(client.get(f"/api/v1/tickets/{opened['number']}/routing", headers=lead))
    assert why["decisions"][0]["why"].endswith("skipped Anna (away)")
    anna_changes_bruno = client.patch(
        f"/api/v1/agents/{agents['bruno']['id']}", json={"away": True}, headers=anna
    )
    assert error_of(anna_changes_bruno, 403) == "permission_denied"
    assert error_of(client.patch("/api/v1/agents/99999", json={}, headers=lead), 404) == "not_found"
    too_big = client.patch(f"/api/v1/agents/{agents['bruno']['id']}", json={"capacity": 0},
                           headers=lead)  # fmt: skip
    assert error_of(too_big, 422) == "invalid_request"


def test_queues_and_routing_rules_are_read_and_changed_through_the_api(
    app: Tierdesk, client: TestClient
) -> None:
    lead, _ = set_up_desk(app, client)
    anna = bearer_for(app, "anna@kestrel.example")

    listed = ok(client.get("/api/v1/queues", headers=anna))["items"]
    one = ok(client.get("/api/v1/queues/L1-SBC-DE", headers=anna))
    patched = ok(client.patch("/api/v1/queues/l1-sbc", json={"languages": ["en", "fr"]},
                              headers=lead))  # fmt: skip
    rules = ok(client.get("/api/v1/routing-rules", headers=anna))["items"]
    moved = ok(client.patch(f"/api/v1/routing-rules/{rules[1]['id']}", json={"position": 1},
                            headers=lead))  # fmt: skip
    reordered = ok(client.get("/api/v1/routing-rules", headers=anna))["items"]
    deleted = client.delete(f"/api/v1/routing-rules/{rules[0]['id']}", headers=lead)

    assert [q["key"] for q in listed] == ["l1-sbc", "l1-sbc-de", "l2-sbc"]
    assert (one["product"], one["languages"], one["members"]) == (
        "kestrel-sbc",
        ["de"],
        ["Anna", "Bruno"],
    )
    assert patched["languages"] == ["en", "fr"]
    assert rules[0]["summary"] == "product kestrel-sbc, language de, plan standard/premium"
    assert moved["position"] == 1
    assert [r["name"] for r in reordered] == ["SBC", "German SBC, paid"]
    assert deleted.status_code == 204
    assert [r["name"] for r in ok(client.get("/api/v1/routing-rules", headers=anna))["items"]] == [
        "SBC"
    ]


def test_routing_configuration_errors_have_the_usual_shape(
    app: Tierdesk, client: TestClient
) -> None:
    lead, _ = set_up_desk(app, client)
    anna = bearer_for(app, "anna@kestrel.example")
    queue = {"key": "l1-x", "name": "X", "level": 1}

    assert error_of(client.post("/api/v1/queues", json=queue, headers=anna), 403) == (
        "permission_denied"
    )
    assert error_of(client.post("/api/v1/queues", json={**queue, "level": 9}, headers=lead), 422)
    assert error_of(client.post("/api/v1/queues", json={**queue, "key": "l1-sbc"}, headers=lead),
                    409) == "conflict"  # fmt: skip
    assert error_of(client.get("/api/v1/queues/nowhere", headers=anna), 404) == "not_found"
    bad_rule = {"name": "r", "queue": "l1-sbc", "conditions": {"plans": ["gold"]}}
    assert error_of(client.post("/api/v1/routing-rules", json=bad_rule, headers=lead), 422) == (
        "invalid_input"
    )
    typo = {"name": "r", "queue": "l1-sbc", "conditions": {"product": ["kestrel-sbc"]}}
    assert error_of(client.post("/api/v1/routing-rules", json=typo, headers=lead), 422) == (
        "invalid_request"
    )
    assert error_of(client.delete("/api/v1/routing-rules/999", headers=lead), 404) == "not_found"
    assert error_of(client.get("/api/v1/tickets/TD-9999/routing", headers=lead), 404) == (
        "not_found"
    )


def test_a_lead_switches_an_agent_off_and_on_through_the_api(
    app: Tierdesk, client: TestClient
) -> None:
    lead, agents = set_up_desk(app, client)
    add_customer(client, lead, "Jonas", "premium", "de")
    anna_id = agents["anna"]["id"]
    anna = bearer_for(app, "anna@kestrel.example")

    refused = client.patch(f"/api/v1/agents/{anna_id}", json={"active": False}, headers=anna)
    off = ok(client.patch(f"/api/v1/agents/{anna_id}", json={"active": False}, headers=lead))
    opened = open_p2_problem(client, bearer_for(app, "jonas@customer.example"))

    assert error_of(refused, 403) == "permission_denied"  # nobody switches themselves off
    assert off["active"] is False
    assert opened["assignee_id"] == agents["bruno"]["id"]
    on = ok(client.patch(f"/api/v1/agents/{anna_id}", json={"active": True}, headers=lead))
    assert on["active"] is True


def test_a_routing_rule_position_past_the_stored_integer_is_refused_and_the_rule_kept(
    app: Tierdesk, client: TestClient
) -> None:
    # Binding it failed in the database: SQLite past 2**63, PostgreSQL past 2**31 (a 500).
    lead, _ = set_up_desk(app, client)
    rules = ok(client.get("/api/v1/routing-rules", headers=lead))["items"]
    before = [(r["id"], r["position"]) for r in rules]
    new_rule = {"name": "far", "queue": "l1-sbc", "conditions": {"plans": ["premium"]}}

    for position in (2**31, 2**63, -(2**63) - 1):
        patched = client.patch(
            f"/api/v1/routing-rules/{rules[0]['id']}", json={"position": position}, headers=lead
        )
        created = client.post(
            "/api/v1/routing-rules", json={**new_rule, "position": position}, headers=lead
        )
        for answer in (patched, created):
            assert error_of(answer, 422) == "invalid_request"

    after = ok(client.get("/api/v1/routing-rules", headers=lead))["items"]
    assert [(r["id"], r["position"]) for r in after] == before
