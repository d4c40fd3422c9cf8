"""The backlog: mail the SMTP listener acknowledged (stored as ``received``) and has not
processed yet, shown where an admin or an operator looks — the mail API, the quarantine list,
readiness and /metrics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import bearer
from tests.cli.conftest import environment, invoker
from tests.email.builders import compose_mail
from tests.factories import make_agent, token_for
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.domain.people import Organisation, Role
from tierdesk.entrypoints.web.app import create_app
from tierdesk.mail_bootstrap import mail_intake
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk


@pytest.fixture
def client(app: Tierdesk) -> Iterator[TestClient]:
    with TestClient(create_app(app), client=("127.0.0.1", 50000)) as test_client:
        yield test_client


def _acknowledge(app: Tierdesk, mail: MailDesk, count: int) -> None:
    """What the listener does before its 250: store, and leave processing to the intake."""
    intake = mail_intake(app, mail)
    for n in range(count):
        intake.accept(compose_mail(subject=f"Phones down ({n})"))


def test_an_admin_sees_how_many_acknowledged_messages_wait_and_for_how_long(
    app: Tierdesk,
    mail: MailDesk,
    desk: Desk,
    clock: FixedClock,
    acme: Organisation,
    client: TestClient,
) -> None:
    admin = bearer(token_for(desk, make_agent(desk, role=Role.ADMIN)))
    agent = bearer(token_for(desk, make_agent(desk, role=Role.AGENT)))
    assert client.get("/api/v1/mail/backlog", headers=admin).json()["waiting"] == 0
    _acknowledge(app, mail, 1)
    clock.advance(timedelta(minutes=5))
    _acknowledge(app, mail, 1)

    waiting = client.get("/api/v1/mail/backlog", headers=admin)
    refused = client.get("/api/v1/mail/backlog", headers=agent)
    mail_intake(app, mail).drain()
    drained = client.get("/api/v1/mail/backlog", headers=admin).json()

    assert waiting.status_code == 200, waiting.text
    assert waiting.json()["waiting"] == 2
    assert waiting.json()["oldest_age_seconds"] == 300
    assert waiting.json()["oldest_received_at"].startswith("2026-03-02T09:00:00")
    assert refused.status_code == 403
    assert drained == {"waiting": 0, "oldest_received_at": None, "oldest_age_seconds": 0}


def test_readiness_fails_when_acknowledged_mail_has_waited_past_the_limit(
    app: Tierdesk, mail: MailDesk, clock: FixedClock, acme: Organisation, client: TestClient
) -> None:
    app.settings.ready_max_mail_age_seconds = 300
    _acknowledge(app, mail, 2)
    clock.advance(timedelta(minutes=4))
    in_time = client.get("/api/v1/health/ready")
    clock.advance(timedelta(minutes=16))

    late = client.get("/api/v1/health/ready")

    assert in_time.status_code == 200, in_time.text
    assert "2 acknowledged messages waiting" in in_time.json()["checks"]["mail"]["detail"]
    assert late.status_code == 503
    check = late.json()["error"]["checks"]["mail"]
    assert check["ok"] is False
    assert "1200 s" in check["detail"]


def test_a_scrape_reports_the_mail_backlog_and_how_long_its_oldest_has_waited(
    app: Tierdesk, mail: MailDesk, clock: FixedClock, acme: Organisation, client: TestClient
) -> None:
    _acknowledge(app, mail, 3)
    clock.advance(timedelta(minutes=10))

    scrape = client.get("/metrics")

    assert scrape.status_code == 200
    values = {
        sample.name: sample.value
        for family in text_string_to_metric_families(scrape.text)
        for sample in family.samples
    }
    assert values["tierdesk_mail_backlog"] == 3
    assert values["tierdesk_mail_backlog_oldest_age_seconds"] == 600


def test_the_quarantine_list_says_how_much_acknowledged_mail_waits(
    app: Tierdesk, mail: MailDesk, settings: Settings, acme: Organisation
) -> None:
    _acknowledge(app, mail, 2)
    tierdesk = invoker(environment(str(settings.data_dir), settings.database))

    result = tierdesk("mail", "quarantine", "list")

    assert result.exit_code == 0, result.output
    assert "2 acknowledged message(s) waiting to be processed" in result.stdout
