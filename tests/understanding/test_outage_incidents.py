"""Outage proposals through the API, on SQLite and PostgreSQL: the leads hear of one when it
opens, and declaring the incident from it is one call that links its tickets."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.follow_ups import run_follow_ups
from tests.understanding.conftest import World


def _burst(client: TestClient, *contacts: dict[str, str]) -> list[str]:
    """Similar tickets, one from each of ``contacts``."""
    numbers = []
    for n, who in enumerate(contacts):
        response = client.post(
            "/api/v1/tickets",
            json={
                "subject": "Registration fails",
                "body": f"Phones cannot register, error code: E4711 ({n})",
            },
            headers=who,
        )
        assert response.status_code == 201, response.text
        numbers.append(str(response.json()["number"]))
        run_follow_ups(client)  # each one compared with those before it
    return numbers


def _outage_notes(client: TestClient, who: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/v1/notifications", headers=who)
    assert response.status_code == 200, response.text
    return [n for n in response.json()["items"] if n["kind"] == "outage.proposed"]


def test_the_leads_are_notified_once_when_an_outage_proposal_opens(
    client: TestClient, world: World
) -> None:
    _burst(client, world.acme_contact, world.acme_contact)
    assert _outage_notes(client, world.lead) == []  # two tickets are no outage yet

    _burst(client, world.globex_contact)
    [proposal] = client.get("/api/v1/outage-proposals", headers=world.l1_agent).json()["items"]
    [note] = _outage_notes(client, world.lead)
    assert note["details"]["proposal_id"] == proposal["id"]
    assert note["details"]["ticket_ids"] == proposal["ticket_ids"]
    assert note["text"].startswith(proposal["title"])
    assert "3 similar tickets from 2 organisations" in note["text"]
    assert _outage_notes(client, world.l1_agent) == []  # for the leads

    _burst(client, world.globex_contact)  # the proposal grows; nobody is told twice
    [grown] = client.get("/api/v1/outage-proposals", headers=world.l1_agent).json()["items"]
    assert len(grown["ticket_ids"]) == 4
    assert len(_outage_notes(client, world.lead)) == 1


def test_a_ticket_is_compared_by_its_subject_and_first_customer_message(
    client: TestClient, world: World
) -> None:
    """No error code in common: the words decide, and a ticket's words are its subject and
    its first customer message (the adapter reads that one per ticket, not a later reply)."""
    text = "Desk phones cannot register with the provisioning server since noon"
    subjects = iter(["Help needed", "Question", "Urgent"])

    def opened(who: dict[str, str]) -> str:
        response = client.post(
            "/api/v1/tickets", json={"subject": next(subjects), "body": text}, headers=who
        )
        assert response.status_code == 201, response.text
        run_follow_ups(client)
        return str(response.json()["number"])

    first = opened(world.acme_contact)
    later = client.post(
        f"/api/v1/tickets/{first}/messages",
        json={"body": "Also the printer jammed and the coffee machine broke down entirely"},
        headers=world.acme_contact,
    )
    assert later.status_code == 201, later.text
    run_follow_ups(client)
    opened(world.acme_contact)
    assert client.get("/api/v1/outage-proposals", headers=world.l1_agent).json()["items"] == []

    opened(world.globex_contact)
    [proposal] = client.get("/api/v1/outage-proposals", headers=world.l1_agent).json()["items"]
    assert len(proposal["ticket_ids"]) == 3
    assert proposal["organisation_count"] == 2


def test_declaring_the_incident_from_a_proposal_is_one_call_that_links_its_tickets(
    client: TestClient, world: World
) -> None:
    numbers = _burst(client, world.acme_contact, world.acme_contact, world.globex_contact)
    [proposal] = client.get("/api/v1/outage-proposals", headers=world.lead).json()["items"]
    url = f"/api/v1/outage-proposals/{proposal['id']}/incident"

    refused = client.post(url, json={}, headers=world.l1_agent)
    assert refused.status_code == 403, refused.text  # incidents are L4's and the leads'
    assert client.get("/api/v1/incidents", headers=world.lead).json()["items"] == []

    declared = client.post(url, json={"severity": "sev1"}, headers=world.lead)
    assert declared.status_code == 201, declared.text
    body = declared.json()
    incident = body["incident"]
    assert (incident["title"], incident["severity"]) == (proposal["title"], "sev1")
    assert incident["link_count"] == 3
    assert sorted(t["number"] for t in incident["tickets"]) == sorted(numbers)
    assert body["proposal"]["status"] == "declared"
    assert body["proposal"]["incident_id"] == incident["id"]
    stored = client.get(f"/api/v1/outage-proposals/{proposal['id']}", headers=world.lead).json()
    assert (stored["status"], stored["incident_id"]) == ("declared", incident["id"])

    again = client.post(url, headers=world.lead)  # no body: the defaults
    assert again.status_code == 409, again.text
    assert len(client.get("/api/v1/incidents", headers=world.lead).json()["items"]) == 1


def test_an_incident_declared_from_a_proposal_can_take_its_own_title(
    client: TestClient, world: World
) -> None:
    _burst(client, world.acme_contact, world.globex_contact, world.globex_contact)
    [proposal] = client.get("/api/v1/outage-proposals", headers=world.lead).json()["items"]
    declared = client.post(
        f"/api/v1/outage-proposals/{proposal['id']}/incident",
        json={"title": "Registrar outage, region west"},
        headers=world.lead,
    )
    assert declared.status_code == 201, declared.text
    assert declared.json()["incident"]["title"] == "Registrar outage, region west"
    assert declared.json()["incident"]["severity"] == "sev2"
