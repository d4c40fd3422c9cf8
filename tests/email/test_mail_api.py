"""/api/v1/mail: quarantine and outbox for admins; everyone else is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.email.conftest import deliver, fixture_bytes
from tests.factories import make_agent, make_contact, token_for
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Organisation, Role
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk


@pytest.fixture
def client(app: Tierdesk) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as test_client:
        yield test_client


def test_an_admin_lists_reads_and_reprocesses_quarantined_mail(
    client: TestClient, mail: MailDesk, desk: Desk, acme: Organisation
) -> None:
    admin = bearer(token_for(desk, make_agent(desk, role=Role.ADMIN)))
    empty = deliver(mail, "empty_body.eml")
    broken = deliver(mail, "broken_mime_no_boundary.eml")
    deliver(mail, "new_request_plain.eml")

    first_page = client.get("/api/v1/mail/quarantine?limit=1", headers=admin).json()
    second_page = client.get(
        f"/api/v1/mail/quarantine?limit=1&cursor={first_page['next_cursor']}", headers=admin
    ).json()
    shown = client.get(f"/api/v1/mail/quarantine/{broken.inbound_id}", headers=admin)
    raw = client.get(f"/api/v1/mail/quarantine/{broken.inbound_id}/raw", headers=admin)
    reprocessed = client.post(
        f"/api/v1/mail/quarantine/{empty.inbound_id}/reprocess", headers=admin
    )

    assert [i["id"] for i in first_page["items"]] == [broken.inbound_id]
    assert [i["id"] for i in second_page["items"]] == [empty.inbound_id]
    assert second_page["next_cursor"] is None
    assert shown.json()["reason"] == "malformed-mime"
    assert shown.json()["from_address"] == "max.weber@acme.example"
    assert raw.content == fixture_bytes("broken_mime_no_boundary.eml")
    assert raw.headers["content-disposition"].startswith("attachment;")
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert reprocessed.status_code == 200, reprocessed.text
    assert reprocessed.json()["outcome"] == "stored"
    assert reprocessed.json()["ticket_number"].startswith("TD-")
    remaining = client.get("/api/v1/mail/quarantine", headers=admin).json()["items"]
    assert [i["id"] for i in remaining] == [broken.inbound_id]
    outbox = client.get("/api/v1/mail/outbox?status=pending", headers=admin).json()["items"]
    assert {o["kind"] for o in outbox} == {"acknowledgement"}


def test_only_admins_see_the_quarantine_and_unknown_ids_are_404(
    client: TestClient, mail: MailDesk, desk: Desk
) -> None:
    receipt = deliver(mail, "empty_body.eml")
    lead = bearer(token_for(desk, make_agent(desk, role=Role.LEAD)))
    contact = bearer(token_for(desk, make_contact(desk)))
    admin = bearer(token_for(desk, make_agent(desk, role=Role.ADMIN)))

    for who in (lead, contact):
        assert client.get("/api/v1/mail/quarantine", headers=who).status_code == 403
        reprocess = f"/api/v1/mail/quarantine/{receipt.inbound_id}/reprocess"
        assert client.post(reprocess, headers=who).status_code == 403
        assert client.get("/api/v1/mail/outbox", headers=who).status_code == 403
    assert client.get("/api/v1/mail/quarantine").status_code == 401
    missing = client.get("/api/v1/mail/quarantine/999999", headers=admin)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    huge = client.get(f"/api/v1/mail/quarantine/{2**40}", headers=admin)
    assert huge.status_code == 404
    bad_cursor = client.get("/api/v1/mail/quarantine?cursor=abc", headers=admin)
    assert bad_cursor.status_code == 422
