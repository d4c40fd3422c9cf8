"""Contacts and their portal access on /admin/contacts, on both engines: a lead lists and adds
an organisation's contacts, deactivates one (who can no longer sign in, and whose sessions
end at once) and reactivates them, and e-mails a sign-in link. Agents are refused."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.email.servers import SmtpSink
from tests.web.conftest import Browser, WebDesk
from tierdesk.adapters.db import tables
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import MailSettings
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services import people

SignIn = Callable[[Agent | Contact], Browser]


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def actions(app: Tierdesk, subject_id: int) -> list[str]:
    a = tables.audit_events.c
    query = select(a.action).where(a.subject_type == "contact", a.subject_id == subject_id)
    with app.engine.connect() as connection:
        return list(connection.execute(query.order_by(a.id)).scalars())


def test_a_lead_lists_and_adds_the_contacts_of_an_organisation(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    assert f"/admin/contacts?organisation={web.acme.id}" in lead.get("/admin").text
    page = lead.get(f"/admin/contacts?organisation={web.acme.id}").text
    assert web.acme_contact.email in page and web.globex_contact.email not in page

    added = lead.post(
        "/admin/contacts",
        {"organisation": web.acme.name, "name": "Nora Neu", "email": "nora@acme.example"},
    )

    assert added.status_code == 200 and "Contact Nora Neu added" in added.text
    assert "nora@acme.example" in added.text
    assert "nora@acme.example" in [
        c.email for c in people.list_contacts(web.app.desk, web.lead, web.acme.id)
    ]


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"name": "N" * 201}, "name"),  # the column's 200: a 500 on PostgreSQL
        ({"language": "x" * 40}, "language"),
        ({"language": "<script>alert(1)</script>"}, "language"),
        ({"language": "-1"}, "language"),
    ],
)
def test_a_contact_with_a_name_too_long_or_no_language_code_is_refused_on_its_field(
    web: WebDesk, signed_in: SignIn, typed: dict[str, str], field: str
) -> None:
    lead = signed_in(web.lead)
    lead.get(f"/admin/contacts?organisation={web.acme.id}")
    form = {"organisation": web.acme.name, "name": "Nora Neu", "email": "nora@acme.example"}

    refused = lead.post("/admin/contacts", {**form, **typed}, headers={"HX-Request": "true"})

    assert refused.status_code == 422, refused.text
    assert refused.headers["X-Desk-Fields"] == field
    emails = [c.email for c in people.list_contacts(web.app.desk, web.lead, web.acme.id)]
    assert "nora@acme.example" not in emails


def test_a_deactivated_contact_is_signed_out_and_cannot_sign_in_until_reactivated(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    customer = signed_in(web.acme_contact)
    assert customer.get("/portal/tickets").status_code == 200
    lead = signed_in(web.lead)
    lead.get(f"/admin/contacts?organisation={web.acme.id}")
    contact_id = web.acme_contact.id
    assert contact_id is not None

    off = lead.post(f"/admin/contacts/{contact_id}/active", {"active": "false"})

    assert "deactivated; their sessions were ended" in off.text
    assert customer.get("/portal/tickets", follow_redirects=False).status_code in (303, 307)
    refused = new_browser().sign_in(web.acme_contact)
    assert refused.status_code == 401
    assert actions(web.app, contact_id)[-2:] == ["contact.updated", "session.ended"]

    lead.post(f"/admin/contacts/{contact_id}/active", {"active": "true"})
    assert new_browser().sign_in(web.acme_contact).status_code == 200


def test_a_lead_emails_a_contact_a_sign_in_link_that_signs_them_in(
    web: WebDesk, signed_in: SignIn, smtp_sink: SmtpSink
) -> None:
    web.app.settings.mail = MailSettings(
        from_address="support@desk.test", smtp_host="127.0.0.1", smtp_port=smtp_sink.port
    )
    lead = signed_in(web.lead)
    lead.get(f"/admin/contacts?organisation={web.acme.id}")

    sent = lead.post(f"/admin/contacts/{web.acme_contact.id}/link")

    assert f"Sign-in link sent to {web.acme_contact.email}" in sent.text
    [mail] = smtp_sink.received
    assert mail.rcpt_tos == [web.acme_contact.email]
    link = re.search(r"(/portal/link/[\w-]+)", mail.message.get_body(("plain",)).get_content())
    assert link is not None
    customer = Browser(TestClient(create_app(web.app)))
    assert customer.get(link.group(1)).url.path == "/portal/tickets"


def test_an_agent_cannot_manage_contacts(web: WebDesk, signed_in: SignIn) -> None:
    l1 = signed_in(web.l1)
    assert l1.get("/admin/contacts").status_code == 403
    l1.get("/queue")
    off = l1.post(f"/admin/contacts/{web.acme_contact.id}/active", {"active": "false"})
    assert off.status_code == 403
    assert people.list_contacts(web.app.desk, web.lead, web.acme.id)[0].active
