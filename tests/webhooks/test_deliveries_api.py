"""A webhook's deliveries over the API, each with its attempts, after real HTTP posts."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.factories import make_agent, make_ticket, token_for
from tests.webhooks.conftest import Receiver
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role
from tierdesk.services.jobs import run_pending_jobs


def test_deliveries_are_listed_with_every_attempt_and_the_next_one(
    app: Tierdesk, client: TestClient, clock: FixedClock, receiver: Receiver
) -> None:
    admin = bearer(token_for(app.desk, make_agent(app.desk, role=Role.ADMIN)))
    hook = client.post(
        "/api/v1/webhooks", json={"url": receiver.url, "events": ["*"]}, headers=admin
    ).json()
    receiver.status = 503
    ticket = make_ticket(app.desk)
    run_pending_jobs(app.desk, "test")
    receiver.status = 204
    clock.advance(timedelta(minutes=1))
    run_pending_jobs(app.desk, "test")

    listed = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin)

    assert listed.status_code == 200
    created = next(d for d in listed.json()["items"] if d["kind"] == "ticket.created")
    assert created["status"] == "delivered"
    assert created["ticket_id"] == ticket.id
    assert [(t["number"], t["status_code"]) for t in created["tries"]] == [(1, 503), (2, 204)]
    assert created["next_attempt_at"] is None
    assert client.get("/api/v1/webhooks", headers=admin).json()["items"][0]["failures"] == 0


def test_send_test_queues_a_ping_that_the_next_run_delivers(
    app: Tierdesk, client: TestClient, receiver: Receiver
) -> None:
    admin = bearer(token_for(app.desk, make_agent(app.desk, role=Role.ADMIN)))
    hook = client.post(
        "/api/v1/webhooks", json={"url": receiver.url, "events": ["sla.breached"]}, headers=admin
    ).json()

    queued = client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=admin)
    run_pending_jobs(app.desk, "test")

    assert queued.status_code == 202
    assert queued.json()["kind"] == "ping"
    listed = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin).json()
    [delivery] = listed["items"]
    assert delivery["status"] == "delivered"
    assert [r.headers["Tierdesk-Event"] for r in receiver.requests] == ["ping"]


def test_deleting_a_webhook_deletes_its_deliveries_and_their_queued_attempts_find_nothing(
    app: Tierdesk, client: TestClient, clock: FixedClock, receiver: Receiver
) -> None:
    admin = bearer(token_for(app.desk, make_agent(app.desk, role=Role.ADMIN)))
    hook = client.post(
        "/api/v1/webhooks", json={"url": receiver.url, "events": ["ticket.created"]}, headers=admin
    ).json()
    receiver.status = 500
    make_ticket(app.desk)
    run_pending_jobs(app.desk, "test")  # one failed attempt, the next one queued

    deleted = client.delete(f"/api/v1/webhooks/{hook['id']}", headers=admin)
    clock.advance(timedelta(minutes=5))
    run_pending_jobs(app.desk, "test")

    assert deleted.status_code == 204
    assert client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin).status_code == 404
    assert len(receiver.requests) == 1
