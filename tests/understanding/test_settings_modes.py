"""The modes a desk can choose: clarifying questions sent at once, triage applied at intake,
and the retrain job queued by agents' corrections."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.follow_ups import run_follow_ups
from tests.understanding.conftest import World
from tierdesk.assist.language import LangIdDetector
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings, UnderstandingSettings
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services.auth import SYSTEM
from tierdesk.services.jobs import list_jobs, run_pending_jobs


@pytest.fixture
def eager(settings: Settings, app: Tierdesk) -> Iterator[TestClient]:
    """A desk that sends questions itself, applies confident triage and retrains after one
    correction (same database as ``app``, so ``world`` is there)."""
    chosen = UnderstandingSettings(clarify="send", apply_triage=True, retrain_after_corrections=1)
    eager_app = bootstrap(
        settings.model_copy(update={"understanding": chosen}), clock=app.desk.clock
    )
    with TestClient(create_app(eager_app)) as client:
        yield client
    eager_app.close()


def test_in_send_mode_the_question_goes_out_and_the_ticket_waits_on_the_customer(
    eager: TestClient, world: World
) -> None:
    opened = eager.post(
        "/api/v1/tickets",
        json={
            "subject": "Calls fail",
            "body": "Our calls fail, please help us quickly.",
            "type": "problem",
        },
        headers=world.acme_contact,
    )
    assert opened.status_code == 201, opened.text
    number = opened.json()["number"]
    run_follow_ups(eager)
    ticket = eager.get(f"/api/v1/tickets/{number}", headers=world.acme_contact).json()
    assert ticket["status"] == "pending-customer"
    [question] = eager.get(
        f"/api/v1/tickets/{number}/clarifying-questions", headers=world.acme_contact
    ).json()["items"]
    assert question["mode"] == "send"
    assert question["sent_at"] is not None
    messages = eager.get(f"/api/v1/tickets/{number}/messages", headers=world.acme_contact).json()[
        "items"
    ]
    assert messages[-1]["kind"] == "public-reply"
    assert "software version" in messages[-1]["body"]

    answered = eager.post(
        f"/api/v1/tickets/{number}/messages",
        json={"kind": "customer", "body": "Version 4.2.1, error code: E1042, since Monday."},
        headers=world.acme_contact,
    )
    assert answered.status_code == 201
    run_follow_ups(eager)
    ticket = eager.get(f"/api/v1/tickets/{number}", headers=world.acme_contact).json()
    assert ticket["status"] == "open"  # the answer wakes the ticket; no second question
    assert (
        len(
            eager.get(
                f"/api/v1/tickets/{number}/clarifying-questions", headers=world.l1_agent
            ).json()["items"]
        )
        == 1
    )


def test_applied_triage_sets_fields_and_a_correction_queues_a_retrain(
    eager: TestClient, world: World, app: Tierdesk
) -> None:
    number = eager.post(
        "/api/v1/tickets",
        json={
            "subject": "Outage: all calls down",
            "body": "Since 09:00 nothing works at all sites.",
        },
        headers=world.acme_contact,
    ).json()["number"]
    run_follow_ups(eager)
    ticket = eager.get(f"/api/v1/tickets/{number}", headers=world.l1_agent).json()
    assert (ticket["type"], ticket["priority"]) == ("outage", "P1")  # applied at intake
    corrected = eager.post(
        f"/api/v1/tickets/{number}/triage/type", json={"value": "problem"}, headers=world.l1_agent
    )
    assert corrected.json()["outcome"] == "corrected"
    assert (
        eager.get(f"/api/v1/tickets/{number}", headers=world.l1_agent).json()["type"] == "problem"
    )
    queued = [job for job in list_jobs(app.desk, SYSTEM) if job.name == "triage.train"]
    assert len(queued) == 1
    run_pending_jobs(app.desk, "test-worker")
    [done] = [job for job in list_jobs(app.desk, SYSTEM) if job.name == "triage.train"]
    assert str(done.status) == "done"  # too little history to train is not a failure


def test_warming_up_loads_the_language_identifier_before_the_first_ticket(app: Tierdesk) -> None:
    assert app.desk.understanding is not None
    languages = app.desk.understanding.languages
    assert isinstance(languages, LangIdDetector) and not languages.loaded

    app.warm_up()

    assert languages.loaded
    assert languages.detect("Die Telefone verlieren seit dem Update die Verbindung") == (
        "de",
        pytest.approx(1.0, abs=0.05),
    )
