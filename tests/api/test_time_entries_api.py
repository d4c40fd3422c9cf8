"""/api/v1/time-entries and /api/v1/reports/time through bearer tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World


def test_an_agent_logs_edits_and_deletes_time_and_customers_see_none_of_it(
    client: TestClient, world: World
) -> None:
    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "Trunk down", "body": "It broke."},
        headers=world.acme_contact,
    ).json()

    logged = client.post(
        "/api/v1/time-entries",
        json={"ticket": opened["number"], "minutes": "1h 30m", "note": "Traced the SIP"},
        headers=world.l1_agent,
    )
    assert logged.status_code == 201, logged.text
    entry = logged.json()
    assert (entry["minutes"], entry["billable"], entry["ticket"]) == (90, True, opened["number"])

    bad = client.post(
        "/api/v1/time-entries",
        json={"ticket": opened["number"], "minutes": "soon"},
        headers=world.l1_agent,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "minutes"

    patched = client.patch(
        f"/api/v1/time-entries/{entry['id']}", json={"billable": False}, headers=world.l1_agent
    )
    assert patched.json()["billable"] is False
    mine = client.get("/api/v1/time-entries", headers=world.l1_agent).json()
    assert [e["id"] for e in mine["items"]] == [entry["id"]]
    assert mine["next_cursor"] is None

    for contact in (world.acme_contact, world.globex_contact):
        assert client.get(f"/api/v1/time-entries/{entry['id']}", headers=contact).status_code in (
            403,
            404,
        )
        listed = client.get(f"/api/v1/time-entries?ticket={opened['number']}", headers=contact)
        assert listed.status_code in (403, 404)
        assert "Traced the SIP" not in listed.text
    assert client.get("/api/v1/reports/time", headers=world.l1_agent).status_code == 403

    report = client.get("/api/v1/reports/time?group=organisation", headers=world.lead).json()
    assert [(g["label"], g["non_billable_minutes"]) for g in report["groups"]] == [
        ("Acme Telecom", 90)
    ]
    spent = client.get(
        f"/api/v1/tickets/{opened['number']}/time-in-status", headers=world.l1_agent
    ).json()
    assert spent["current_status"] == "new"

    gone = client.delete(f"/api/v1/time-entries/{entry['id']}", headers=world.l1_agent)
    assert gone.status_code == 204
    assert client.get(f"/api/v1/time-entries/{entry['id']}", headers=world.lead).status_code == 404
