"""The SLA API end to end, in process, on both engines: configuration (agents read, leads
change, every change audited), a ticket's deadlines, the agent's notifications."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import make_agent, make_contact, make_organisation, token_for
from tests.sla.support import utc
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role
from tierdesk.services.sla_sweep import sweep_deadlines


@dataclass
class People:
    lead: dict[str, str]
    agent: dict[str, str]
    customer: dict[str, str]
    stranger: dict[str, str]  # a contact of another organisation


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def people(app: Tierdesk) -> People:
    desk = app.desk
    acme = make_organisation(desk, name="Acme Telecom", plan="standard")
    return People(
        lead=bearer(token_for(desk, make_agent(desk, tiers=[0, 1, 2], role=Role.LEAD))),
        agent=bearer(token_for(desk, make_agent(desk, tiers=[0, 1]))),
        customer=bearer(token_for(desk, make_contact(desk, organisation=acme))),
        stranger=bearer(token_for(desk, make_contact(desk))),
    )


def audited(app: Tierdesk, action: str) -> list[dict[str, object]]:
    a = tables.audit_events.c
    with app.engine.connect() as connection:
        rows = connection.execute(select(a.changes).where(a.action == action).order_by(a.id))
        return [dict(row.changes) for row in rows]


def test_agents_read_the_seeded_configuration_and_customers_may_not(
    client: TestClient, people: People
) -> None:
    calendars = client.get("/api/v1/calendars", headers=people.agent)
    policies = client.get("/api/v1/sla-policies", headers=people.agent)
    targets = client.get("/api/v1/level-targets", headers=people.agent)

    assert calendars.status_code == 200, calendars.text
    assert {c["name"] for c in calendars.json()["items"]} == {"business-hours", "24x7"}
    office = next(c for c in calendars.json()["items"] if c["name"] == "business-hours")
    assert office["hours"]["mon"] == [["09:00", "18:00"]] and office["hours"]["sat"] == []
    assert len(policies.json()["items"]) == 12  # P1-P4 x basic, standard, premium
    premium_p1 = next(
        p for p in policies.json()["items"] if p["plan"] == "premium" and p["priority"] == "P1"
    )
    assert (premium_p1["calendar"], premium_p1["first_response_minutes"]) == ("24x7", 15)
    assert [t["level"] for t in targets.json()["items"]] == [0, 1, 2, 3, 4]
    for path in ("/api/v1/calendars", "/api/v1/sla-policies", "/api/v1/level-targets"):
        refused = client.get(path, headers=people.customer)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "permission_denied"


def test_a_lead_creates_and_changes_a_calendar_and_an_agent_may_not(
    app: Tierdesk, client: TestClient, people: People
) -> None:
    body = {
        "name": "berlin-office",
        "timezone": "Europe/Berlin",
        "hours": {d: [["09:00", "12:30"], ["13:30", "18:00"]] for d in ("mon", "tue", "wed")},
        "holidays": ["2026-12-25"],
    }
    assert client.post("/api/v1/calendars", json=body, headers=people.agent).status_code == 403

    created = client.post("/api/v1/calendars", json=body, headers=people.lead)
    assert created.status_code == 201, created.text
    assert created.json()["hours"]["thu"] == []
    changed = client.patch(
        "/api/v1/calendars/berlin-office",
        json={"holidays": ["2026-12-25", "2026-12-26"], "description": "<b>Berlin</b>"},
        headers=people.lead,
    )
    assert changed.status_code == 200, changed.text
    emptied = client.patch(
        "/api/v1/calendars/berlin-office", json={"hours": {}}, headers=people.lead
    )
    assert emptied.status_code == 422 and emptied.json()["error"]["field"] == "hours"
    assert changed.json()["holidays"] == ["2026-12-25", "2026-12-26"]
    assert changed.json()["description"] == "<b>Berlin</b>"  # JSON carries it as plain text
    assert (
        client.get(f"/api/v1/calendars/{created.json()['id']}", headers=people.agent).json()["name"]
        == "berlin-office"
    )
    assert [c["name"] for c in audited(app, "calendar.created")] == ["berlin-office"]
    assert audited(app, "calendar.updated")[0]["holidays"] == [
        ["2026-12-25"],
        ["2026-12-25", "2026-12-26"],
    ]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "x", "timezone": "Mars/Base", "hours": {}}, 422, "invalid_input"),
        ({"name": "x", "hours": {"monday": [["09:00", "17:00"]]}}, 422, "invalid_input"),
        ({"name": "x", "hours": {"mon": [["09:00", "25:00"]]}}, 422, "invalid_input"),
        ({"name": "x", "hours": {"mon": [["12:00", "09:00"]]}}, 422, "invalid_input"),
        ({"name": "24x7", "hours": {"mon": [["09:00", "17:00"]]}}, 409, "conflict"),
        ({"name": "x", "hours": {}, "colour": "red"}, 422, "invalid_request"),
        # A desk that never works: every ticket whose clock used it would be refused.
        ({"name": "x", "hours": {}}, 422, "invalid_input"),
        ({"name": "x", "hours": {"mon": [], "sat": []}}, 422, "invalid_input"),
    ],
)
def test_calendars_that_make_no_sense_are_refused_with_a_clear_error(
    client: TestClient, people: People, body: dict[str, object], status: int, code: str
) -> None:
    response = client.post("/api/v1/calendars", json=body, headers=people.lead)

    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_a_lead_changes_a_policy_and_a_level_target(
    app: Tierdesk, client: TestClient, people: People
) -> None:
    policies = client.get("/api/v1/sla-policies", headers=people.lead).json()["items"]
    basic_p2 = next(p for p in policies if p["plan"] == "basic" and p["priority"] == "P2")
    path = f"/api/v1/sla-policies/{basic_p2['id']}"

    changed = client.patch(
        path,
        json={"first_response_minutes": 90, "breach_action": "raise-priority", "calendar": "24x7"},
        headers=people.lead,
    )
    duplicate = client.post(
        "/api/v1/sla-policies",
        json={"priority": "P2", "plan": "basic", "first_response_minutes": 1},
        headers=people.lead,
    )
    target = client.patch(
        "/api/v1/level-targets/3", json={"pickup_minutes": 200}, headers=people.lead
    )

    assert changed.status_code == 200, changed.text
    assert (changed.json()["first_response_minutes"], changed.json()["calendar"]) == (90, "24x7")
    assert client.get(path, headers=people.agent).json()["breach_action"] == "raise-priority"
    assert duplicate.status_code == 409
    assert target.status_code == 200 and target.json()["pickup_minutes"] == 200
    assert (
        client.patch(path, json={"resolution_minutes": 0}, headers=people.lead).status_code == 422
    )
    assert (
        client.patch(path, json={"first_response_minutes": 5}, headers=people.agent).status_code
        == 403
    )
    assert client.get("/api/v1/sla-policies/999999", headers=people.lead).status_code == 404
    assert client.get("/api/v1/sla-policies/99999999999", headers=people.lead).status_code == 404
    assert client.get("/api/v1/level-targets/5", headers=people.lead).status_code == 422
    assert audited(app, "sla_policy.updated")[0]["first_response_minutes"] == [240, 90]
    assert audited(app, "level_target.updated") == [{"pickup_minutes": [240, 200]}]


def test_every_deadline_of_a_ticket_is_visible_and_the_friday_ticket_is_due_monday(
    client: TestClient, people: People, clock: FixedClock
) -> None:
    client.post(
        "/api/v1/calendars",
        json={
            "name": "berlin",
            "timezone": "Europe/Berlin",
            "hours": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        },
        headers=people.lead,
    )
    policies = client.get("/api/v1/sla-policies", headers=people.lead).json()["items"]
    standard_p2 = next(p for p in policies if p["plan"] == "standard" and p["priority"] == "P2")
    client.patch(
        f"/api/v1/sla-policies/{standard_p2['id']}",
        json={"calendar": "berlin", "first_response_minutes": 60},
        headers=people.lead,
    )
    clock.at = utc(2026, 3, 6, 16, 55)  # Friday 17:55 in Berlin
    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "No dial tone", "body": "Since this afternoon.", "priority": "P2"},
        headers=people.customer,
    )
    number = opened.json()["number"]

    seen_by_agent = client.get(f"/api/v1/tickets/{number}/deadlines", headers=people.agent)
    seen_by_customer = client.get(f"/api/v1/tickets/{number}/deadlines", headers=people.customer)
    seen_by_stranger = client.get(f"/api/v1/tickets/{number}/deadlines", headers=people.stranger)

    assert seen_by_agent.status_code == 200, seen_by_agent.text
    by_clock = {(d["clock"], d["level"]): d for d in seen_by_agent.json()["items"]}
    assert set(by_clock) == {
        ("first-response", None),
        ("resolution", None),
        ("level-pickup", 0),
        ("level-handoff", 0),
    }
    first = by_clock[("first-response", None)]
    assert first["due_at"] == "2026-03-09T08:55:00Z"  # Monday 09:55 in Berlin
    assert (first["state"], first["breached"], first["calendar"]) == ("running", False, "berlin")
    assert first["business_minutes_left"] == 60.0
    assert {d["clock"] for d in seen_by_customer.json()["items"]} == {
        "first-response",
        "resolution",
    }
    assert seen_by_stranger.status_code == 404


def test_an_agent_reads_and_clears_the_notifications_a_breach_left(
    app: Tierdesk, client: TestClient, people: People, clock: FixedClock
) -> None:
    client.post(
        "/api/v1/tickets",
        json={"subject": "Echo", "body": "Echo on calls"},
        headers=people.customer,
    )
    clock.at = utc(2026, 3, 2, 17, 1)
    sweep_deadlines(app.desk)

    mine = client.get("/api/v1/notifications?unread=true", headers=people.lead)
    assert mine.status_code == 200, mine.text
    assert {n["kind"] for n in mine.json()["items"]} == {"sla.breach"}
    assert len(mine.json()["items"]) == 3  # first response, L0 pickup, L0 hand-off
    marked = client.post(
        "/api/v1/notifications/read",
        json={"ids": [mine.json()["items"][0]["id"]]},
        headers=people.lead,
    )
    assert marked.json() == {"marked": 1}
    assert (
        len(client.get("/api/v1/notifications?unread=true", headers=people.lead).json()["items"])
        == 2
    )
    assert client.post("/api/v1/notifications/read", json={}, headers=people.lead).json() == {
        "marked": 2
    }
    assert client.get("/api/v1/notifications", headers=people.agent).json()["items"] == []
    assert client.get("/api/v1/notifications", headers=people.customer).status_code == 403


def test_a_lead_adds_holidays_to_a_calendar_and_removes_one(
    client: TestClient, people: People
) -> None:
    url = "/api/v1/calendars/24x7/holidays"
    added = client.post(url, json={"holidays": ["2026-12-25", "2026-12-26"]}, headers=people.lead)
    refused = client.delete(f"{url}/2026-12-25", headers=people.agent)
    removed = client.delete(f"{url}/2026-12-25", headers=people.lead)
    missing = client.delete(f"{url}/2026-12-25", headers=people.lead)

    assert added.json()["holidays"] == ["2026-12-25", "2026-12-26"]
    assert refused.status_code == 403
    assert removed.json()["holidays"] == ["2026-12-26"]
    assert missing.status_code == 404
