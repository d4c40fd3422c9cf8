"""A contact's portal access through the API, on both engines: a lead deactivates a contact
(whose token stops working at once) and reactivates them, and mails them a sign-in link that
signs them in; agents are refused, refusals say why."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.email.servers import SmtpSink
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import MailSettings


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def test_a_lead_deactivates_a_contact_whose_token_stops_working_and_reactivates_them(
    client: TestClient, world: World
) -> None:
    url = f"/api/v1/contacts/{world.acme_contact_id}"
    assert client.get("/api/v1/me", headers=world.acme_contact).status_code == 200

    refused = client.patch(url, json={"active": False}, headers=world.l1_agent)
    off = client.patch(url, json={"active": False}, headers=world.lead)

    assert refused.status_code == 403
    assert off.status_code == 200 and off.json()["active"] is False
    assert client.get("/api/v1/me", headers=world.acme_contact).status_code == 401
    on = client.patch(url, json={"active": True}, headers=world.lead)
    assert on.json()["active"] is True
    assert client.get("/api/v1/me", headers=world.acme_contact).status_code == 200


def test_a_lead_mails_a_contact_a_sign_in_link_and_is_told_why_when_none_can_go(
    client: TestClient, world: World, app: Tierdesk, smtp_sink: SmtpSink
) -> None:
    url = f"/api/v1/contacts/{world.acme_contact_id}/sign-in-link"
    no_mail = client.post(url, headers=world.lead)
    app.settings.mail = MailSettings(
        from_address="support@desk.test", smtp_host="127.0.0.1", smtp_port=smtp_sink.port
    )

    sent = client.post(url, headers=world.lead)

    assert no_mail.status_code == 409 and "outgoing mail" in no_mail.json()["error"]["message"]
    assert sent.status_code == 202
    [mail] = smtp_sink.received
    assert mail.rcpt_tos == [sent.json()["sent_to"]]
    link = re.search(r"(/portal/link/[\w-]+)", mail.message.get_body(("plain",)).get_content())
    assert link is not None and client.get(link.group(1)).url.path == "/portal/tickets"
    client.patch(
        f"/api/v1/contacts/{world.acme_contact_id}", json={"active": False}, headers=world.lead
    )
    inactive = client.post(url, headers=world.lead)
    assert inactive.status_code == 409 and inactive.json()["error"]["field"] == "active"
    assert client.post(url, headers=world.l1_agent).status_code == 403
