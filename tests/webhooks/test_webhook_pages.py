"""/admin/webhooks in the workspace, through the real app on both engines: an admin adds a
webhook and sees its secret once, a mistake is shown next to its field with what was typed,
deliveries show with their attempts, and only admins (with the page's CSRF token) get in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_ticket
from tests.web.conftest import Browser, agent_with_password
from tests.webhooks.conftest import Receiver
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Role
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services.jobs import run_pending_jobs


@pytest.fixture
def web_client(app: Tierdesk) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as client:
        yield client


def _browser(app: Tierdesk, client: TestClient, role: Role) -> Browser:
    browser = Browser(client)
    assert browser.sign_in(agent_with_password(app, [1], role)).status_code == 200
    return browser


def test_an_admin_adds_a_webhook_and_sees_its_secret_only_on_that_page(
    app: Tierdesk, web_client: TestClient, receiver: Receiver
) -> None:
    browser = _browser(app, web_client, Role.ADMIN)
    assert browser.get("/admin/webhooks").status_code == 200

    added = browser.post(
        "/admin/webhooks",
        {"url": receiver.url, "events": ["ticket.created", "message.added"], "description": "CRM"},
    )

    assert added.status_code == 201, added.text[:500]
    assert 'id="webhook-secret">whsec_' in added.text
    secret = added.text.split('id="webhook-secret">', 1)[1].split("<", 1)[0]
    again = browser.get("/admin/webhooks")
    assert receiver.url in again.text
    assert "ticket.created, message.added · CRM" in again.text
    assert secret not in again.text


def test_a_refused_url_is_shown_next_to_its_field_with_what_was_typed(
    app: Tierdesk, web_client: TestClient
) -> None:
    browser = _browser(app, web_client, Role.ADMIN)
    browser.get("/admin/webhooks")

    refused = browser.post(
        "/admin/webhooks", {"url": "ftp://files.example.com/in", "events": ["sla.breached"]}
    )

    assert refused.status_code == 422
    assert 'id="wh-url-error">the URL must start with http:// or https://' in refused.text
    assert 'value="ftp://files.example.com/in"' in refused.text
    assert 'value="sla.breached" checked' in refused.text
    assert "No webhooks yet." in refused.text
    assert "webhook-secret" not in refused.text


def test_deliveries_show_with_their_attempts_and_a_test_can_be_sent(
    app: Tierdesk, web_client: TestClient, receiver: Receiver
) -> None:
    browser = _browser(app, web_client, Role.ADMIN)
    browser.get("/admin/webhooks")
    browser.post("/admin/webhooks", {"url": receiver.url, "events": ["ticket.created"]})
    receiver.status = 500
    make_ticket(app.desk)
    run_pending_jobs(app.desk, "test")
    page = browser.get("/admin/webhooks")
    hook_id = page.text.split('id="webhook-', 1)[1].split('"', 1)[0]

    sent = browser.post(f"/admin/webhooks/{hook_id}/test", follow_redirects=False)
    receiver.status = 200
    run_pending_jobs(app.desk, "test")
    page = browser.get("/admin/webhooks")

    assert sent.status_code == 303
    assert "#1" in page.text
    assert "HTTP 500" in page.text
    assert "ticket.created" in page.text
    assert "ping" in page.text
    assert "delivered" in page.text


def test_an_admin_disables_and_deletes_a_webhook(
    app: Tierdesk, web_client: TestClient, receiver: Receiver
) -> None:
    browser = _browser(app, web_client, Role.ADMIN)
    browser.get("/admin/webhooks")
    browser.post("/admin/webhooks", {"url": receiver.url, "events": ["ticket.created"]})
    hook_id = browser.get("/admin/webhooks").text.split('id="webhook-', 1)[1].split('"', 1)[0]

    browser.post(f"/admin/webhooks/{hook_id}/active", {"active": "false"})
    disabled = browser.get("/admin/webhooks")
    browser.post(f"/admin/webhooks/{hook_id}/delete")
    deleted = browser.get("/admin/webhooks")

    assert "<strong>disabled</strong>" in disabled.text
    assert f"Enable {receiver.url}" in disabled.text
    assert "No webhooks yet." in deleted.text


def test_a_lead_may_not_open_the_webhooks_page(app: Tierdesk, web_client: TestClient) -> None:
    browser = _browser(app, web_client, Role.LEAD)

    assert browser.get("/admin/webhooks").status_code == 403
    assert "Webhooks</a>" not in browser.get("/admin").text


def test_adding_a_webhook_without_the_page_token_is_refused(
    app: Tierdesk, web_client: TestClient, receiver: Receiver
) -> None:
    browser = _browser(app, web_client, Role.ADMIN)
    browser.get("/admin/webhooks")
    browser.token = "forged"

    refused = browser.post("/admin/webhooks", {"url": receiver.url, "events": ["*"]})

    assert refused.status_code == 403
    assert "No webhooks yet." in browser.get("/admin/webhooks").text
