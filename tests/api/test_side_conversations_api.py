"""/api/v1/tickets/{ref}/side-conversations: agents start, page, read, write in and close
them; the ticket's customers and other organisations' contacts get nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World


def test_agents_work_side_conversations_through_the_api_and_customers_are_refused(
    client: TestClient, world: World
) -> None:
    opened = client.post(
        "/api/v1/tickets",
        json={"subject": "Trunk drops", "body": "Every call after 32 s."},
        headers=world.acme_contact,
    )
    number = opened.json()["number"]
    base = f"/api/v1/tickets/{number}/side-conversations"
    for subject in ("Vendor?", "Account manager?"):
        created = client.post(
            base,
            json={"subject": subject, "message": "Known?", "to": ["x@vendor.example"]},
            headers=world.l1_agent,
        )
        assert created.status_code == 201, created.text
    side = created.json()
    assert (side["state"], side["participants"]) == ("waiting", ["x@vendor.example"])

    first = client.get(base, params={"limit": 1}, headers=world.l1_agent).json()
    second = client.get(
        base, params={"limit": 1, "cursor": first["next_cursor"]}, headers=world.l1_agent
    ).json()
    assert [s["subject"] for s in first["items"] + second["items"]] == [
        "Account manager?",
        "Vendor?",
    ]
    assert second["next_cursor"] is None
    one = f"{base}/{side['id']}"
    wrote = client.post(f"{one}/messages", json={"message": "Any news?"}, headers=world.l1_agent)
    assert wrote.status_code == 201
    closed = client.post(f"{one}/state", json={"state": "closed"}, headers=world.l1_agent)
    assert closed.json()["state"] == "closed"
    assert [m["body"] for m in client.get(one, headers=world.lead).json()["messages"]] == [
        "Known?",
        "Any news?",
    ]
    bad = client.post(
        base, json={"subject": "x", "message": "y", "to": ["nope"]}, headers=world.lead
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "to"

    for customer in (world.acme_contact, world.globex_contact):
        assert client.get(base, headers=customer).status_code in (403, 404)
        assert client.get(one, headers=customer).status_code in (403, 404)
        refused = client.post(f"{one}/messages", json={"message": "hi"}, headers=customer)
        assert refused.status_code in (403, 404)
    thread = client.get(f"/api/v1/tickets/{number}", headers=world.acme_contact).json()
    assert "Any news?" not in str(thread)
