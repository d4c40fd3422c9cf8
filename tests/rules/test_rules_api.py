"""/api/v1/rules: leads and admins edit rules as data; agents read them; every refusal has the
usual error shape and stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import make_agent, make_contact, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role

Unchanged = Callable[[], AbstractContextManager[None]]

VIP_RULE = {
    "name": "VIP first",
    "events": ["ticket.opened"],
    "condition": {"any": [{"field": "tags", "op": "contains", "value": "vip"},
                          {"field": "plan", "op": "eq", "value": "premium"}]},
    "actions": [{"type": "set_priority", "value": "P2"}, {"type": "add_tag", "value": "fast"}],
}  # fmt: skip


def headers(app: Tierdesk, who: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(app.desk, who)}"}


def test_a_lead_creates_a_rule_that_then_fires_on_new_tickets(
    app: Tierdesk, client: TestClient
) -> None:
    lead = headers(app, make_agent(app.desk, role=Role.LEAD))
    customer = headers(app, make_contact(app.desk))

    created = client.post("/api/v1/rules", json=VIP_RULE, headers=lead)
    ticket = client.post(
        "/api/v1/tickets", json={"subject": "Urgent", "tags": ["VIP"]}, headers=customer
    ).json()

    assert created.status_code == 201, created.text
    rule = created.json()
    assert (rule["trigger"], rule["events"], rule["enabled"]) == ("event", ["ticket.opened"], True)
    assert rule["summary"] == ("when tags has vip or plan = premium: set priority P2, add tag fast")
    assert (ticket["priority"], ticket["tags"]) == ("P2", ["vip", "fast"])
    events = client.get(f"/api/v1/tickets/{ticket['number']}/events", headers=lead).json()["items"]
    [fired] = [e for e in events if e["action"] == "rule.fired"]
    assert (fired["actor_name"], fired["changes"]["rule"]) == ("rule:VIP first", "VIP first")
    firings = client.get("/api/v1/rules/VIP first/firings", headers=lead).json()["items"]
    assert [(f["ticket_id"], f["closed_at"]) for f in firings] == [(ticket["id"], None)]


def test_rules_are_read_by_agents_and_changed_and_disabled_by_leads(
    app: Tierdesk, client: TestClient
) -> None:
    lead = headers(app, make_agent(app.desk, role=Role.LEAD))
    agent = headers(app, make_agent(app.desk))
    rule_id = client.post("/api/v1/rules", json=VIP_RULE, headers=lead).json()["id"]

    listed = client.get("/api/v1/rules", headers=agent).json()["items"]
    by_name = client.get("/api/v1/rules/vip first", headers=agent).json()
    patched = client.patch(
        f"/api/v1/rules/{rule_id}",
        json={"enabled": False, "actions": [{"type": "add_note", "text": "VIP!"}]},
        headers=lead,
    )
    refused = client.patch(f"/api/v1/rules/{rule_id}", json={"enabled": True}, headers=agent)
    firings = client.get(f"/api/v1/rules/{rule_id}/firings", headers=agent)

    assert [r["name"] for r in listed] == ["VIP first"]
    assert by_name["id"] == rule_id
    assert patched.status_code == 200, patched.text
    assert patched.json()["enabled"] is False
    assert patched.json()["actions"] == [{"type": "add_note", "text": "VIP!"}]
    assert refused.status_code == 403
    assert firings.status_code == 403  # where rules fired names tickets across the desk


def test_rules_that_cannot_work_are_refused_with_the_usual_error_shape(
    app: Tierdesk, client: TestClient, unchanged: Unchanged
) -> None:
    lead = headers(app, make_agent(app.desk, role=Role.LEAD))
    customer = headers(app, make_contact(app.desk))
    client.post("/api/v1/rules", json=VIP_RULE, headers=lead)
    client.get("/api/v1/me", headers=customer)  # a token's first use is stored (last used)
    bad_bodies = [
        ({**VIP_RULE, "name": "x", "condition": {"field": "mood", "op": "eq", "value": "sad"}},
         422, "invalid_input"),
        ({**VIP_RULE, "name": "x", "actions": [{"type": "explode"}]}, 422, "invalid_input"),
        ({**VIP_RULE, "name": "x", "actions": []}, 422, "invalid_request"),
        ({**VIP_RULE, "name": "x", "events": ["rule.fired"]}, 422, "invalid_input"),
        ({**VIP_RULE, "name": "x", "trigger": "hourly"}, 422, "invalid_request"),
        ({**VIP_RULE, "name": "x", "colour": "red"}, 422, "invalid_request"),
        ({**VIP_RULE, "name": "VIP FIRST"}, 409, "conflict"),
    ]  # fmt: skip

    with unchanged():
        for body, status, code in bad_bodies:
            response = client.post("/api/v1/rules", json=body, headers=lead)
            assert response.status_code == status, (body, response.text)
            error = response.json()["error"]
            assert (error["code"], bool(error["message"])) == (code, True), body
        assert client.post("/api/v1/rules", json=VIP_RULE, headers=customer).status_code == 403
        assert client.get("/api/v1/rules", headers=customer).status_code == 403
        missing = client.get("/api/v1/rules/nope", headers=lead)
        assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


def test_a_lead_tries_a_rule_on_a_ticket_and_deletes_it_after_it_fired(
    app: Tierdesk, client: TestClient
) -> None:
    lead = headers(app, make_agent(app.desk, role=Role.LEAD))
    agent = headers(app, make_agent(app.desk))
    customer = headers(app, make_contact(app.desk))
    rule_id = client.post("/api/v1/rules", json=VIP_RULE, headers=lead).json()["id"]
    ticket = client.post(
        "/api/v1/tickets", json={"subject": "Urgent", "tags": ["VIP"]}, headers=customer
    ).json()

    trial = client.get(
        f"/api/v1/rules/{rule_id}/trial", params={"ticket": ticket["number"]}, headers=lead
    )
    refused = client.delete(f"/api/v1/rules/{rule_id}", headers=agent)
    deleted = client.delete(f"/api/v1/rules/{rule_id}", headers=lead)

    assert trial.status_code == 200, trial.text
    assert trial.json()["matches"] is True
    assert [(c["condition"], c["holds"]) for c in trial.json()["checks"]] == [
        ("tags has vip", True),
        ("plan = premium", False),
    ]
    assert refused.status_code == 403
    assert deleted.status_code == 204
    assert client.get(f"/api/v1/rules/{rule_id}", headers=lead).status_code == 404
    events = client.get(f"/api/v1/tickets/{ticket['number']}/events", headers=lead).json()["items"]
    assert any(e["action"] == "rule.fired" for e in events)  # what it did stays on the trail


def test_a_condition_number_that_is_not_finite_is_refused(
    app: Tierdesk, client: TestClient
) -> None:
    lead = headers(app, make_agent(app.desk, role=Role.LEAD))
    # Python's JSON reader takes NaN and Infinity; PostgreSQL's JSON has no word for them
    body = (
        '{"name": "Stale", "trigger": "time", "condition": '
        '{"field": "hours_since_update", "op": "gt", "value": NaN}, '
        '"actions": [{"type": "add_tag", "value": "stale"}]}'
    )

    refused = client.post(
        "/api/v1/rules", content=body, headers={**lead, "Content-Type": "application/json"}
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "condition"
    assert client.get("/api/v1/rules", headers=lead).json()["items"] == []


def test_a_position_past_the_stored_integer_is_refused_and_the_rule_kept(
    app: Tierdesk, client: TestClient
) -> None:
    # Binding it failed in the database: SQLite past 2**63, PostgreSQL past 2**31 (a 500).
    lead = headers(app, make_agent(app.desk, role=Role.LEAD))
    rule = client.post("/api/v1/rules", json={**VIP_RULE, "position": 5}, headers=lead).json()

    for position in (2**31, 2**63, -(2**63) - 1):
        patched = client.patch(
            f"/api/v1/rules/{rule['id']}", json={"position": position}, headers=lead
        )
        created = client.post(
            "/api/v1/rules", json={**VIP_RULE, "name": "Other", "position": position}, headers=lead
        )
        for answer in (patched, created):
            assert answer.status_code == 422, answer.text
            assert answer.json()["error"]["problems"][0]["field"] == "position"

    stored = client.get("/api/v1/rules", headers=lead).json()["items"]
    assert [(r["name"], r["position"]) for r in stored] == [("VIP first", 5)]
