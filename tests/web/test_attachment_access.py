"""Attachments as each reader may have them: restricted diagnostics stay with the levels that may
read them (a customer keeps only their own uploads), and every name downloads, whatever its
script, from the API, the workspace and the portal alike."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from urllib.parse import unquote

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.factories import token_for
from tests.web.conftest import Browser, WebDesk, contact_with_password
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.services import tickets
from tierdesk.services.conversation import NewAttachment, add_message

SignIn = Callable[[Agent | Contact], Browser]


def _ticket(web: WebDesk) -> Ticket:
    return tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(subject="Calls drop", body_text="Every call drops after 30 s."),
    )


def _reply_with_diagnostic(web: WebDesk, number: str) -> int:
    """An L2 engineer answers in public and attaches a restricted capture of the customer's SBC."""
    _ticket_after, message = add_message(
        web.app.desk,
        web.l2,
        number,
        MessageKind.PUBLIC_REPLY,
        text="We found the cause; details follow.",
        attachments=[NewAttachment("sbc-capture.pcap", b"RESTRICTED-BYTES", restricted=True)],
    )
    assert message.attachments[0].id is not None
    return message.attachments[0].id


def _bearer(web: WebDesk, who: Agent | Contact) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(web.app.desk, who)}"}


def test_a_restricted_diagnostic_on_a_public_reply_is_not_the_customers(
    web: WebDesk, signed_in: SignIn, client: TestClient
) -> None:
    number = _ticket(web).number or ""
    attachment_id = _reply_with_diagnostic(web, number)
    customer = _bearer(web, web.acme_contact)

    thread = client.get(f"/api/v1/tickets/{number}", headers=customer).json()["messages"]
    assert [m["attachments"] for m in thread] == [[], []]
    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=customer).json()["items"]
    assert [m["attachments"] for m in messages] == [[], []]
    api = client.get(f"/api/v1/tickets/{number}/attachments/{attachment_id}", headers=customer)
    assert api.status_code == 404

    portal = signed_in(web.acme_contact)
    assert "sbc-capture.pcap" not in portal.get(f"/portal/tickets/{number}").text
    download = portal.get(f"/portal/tickets/{number}/attachments/{attachment_id}")
    assert download.status_code == 404
    assert b"RESTRICTED-BYTES" not in download.content

    # The level that may read restricted diagnostics still has it, on both doors.
    engineer = client.get(
        f"/api/v1/tickets/{number}/attachments/{attachment_id}", headers=_bearer(web, web.l2)
    )
    assert engineer.content == b"RESTRICTED-BYTES"
    page = signed_in(web.l2).get(f"/tickets/{number}/attachments/{attachment_id}")
    assert page.content == b"RESTRICTED-BYTES"


def test_a_customer_keeps_their_own_restricted_upload_and_a_colleague_does_not_get_it(
    web: WebDesk, client: TestClient
) -> None:
    log = base64.b64encode(b"OWN-UPLOAD").decode()
    opened = client.post(
        "/api/v1/tickets",
        headers=_bearer(web, web.acme_contact),
        json={
            "subject": "Logs",
            "body": "Attached.",
            "attachments": [{"filename": "sbc.log", "content_base64": log, "restricted": True}],
        },
    ).json()
    attachment = opened["messages"][0]["attachments"][0]
    url = f"/api/v1/tickets/{opened['number']}/attachments/{attachment['id']}"

    assert client.get(url, headers=_bearer(web, web.acme_contact)).content == b"OWN-UPLOAD"
    colleague = _bearer(web, contact_with_password(web.app, web.acme))
    assert client.get(f"/api/v1/tickets/{opened['number']}", headers=colleague).status_code == 200
    assert client.get(url, headers=colleague).status_code == 404
    # The L1 agent's level may not read restricted diagnostics.
    assert client.get(url, headers=_bearer(web, web.l1)).status_code == 404


NAMES = ["тест.txt", "日本語.log", "łódź.pdf", "naïve café.txt"]


def _filename_from(response: httpx.Response) -> str:
    header = response.headers["content-disposition"]
    assert header.isascii()
    encoded = re.search(r"filename\*=UTF-8''([^;]+)", header)
    assert encoded is not None, header
    assert re.search(r'filename="[ -~]+"', header), header  # the ASCII fallback
    return unquote(encoded.group(1))


@pytest.mark.parametrize("name", NAMES)
def test_an_attachment_named_in_any_script_downloads_from_every_door(
    web: WebDesk, signed_in: SignIn, client: TestClient, name: str
) -> None:
    ticket = tickets.open_ticket(
        web.app.desk,
        web.acme_contact,
        tickets.NewTicket(
            subject="Names",
            body_text="See the file.",
            attachments=[NewAttachment(name, b"file body\n", "text/plain")],
        ),
    )
    number = ticket.number or ""
    attachment_id = ticket.messages[0].attachments[0].id

    api = client.get(
        f"/api/v1/tickets/{number}/attachments/{attachment_id}",
        headers=_bearer(web, web.acme_contact),
    )
    workspace = signed_in(web.l1).get(f"/tickets/{number}/attachments/{attachment_id}")
    portal = signed_in(web.acme_contact).get(
        f"/portal/tickets/{number}/attachments/{attachment_id}"
    )

    for response in (api, workspace, portal):
        assert response.status_code == 200, response.text
        assert response.content == b"file body\n"
        assert _filename_from(response) == name
        assert response.headers["content-disposition"].startswith("attachment;")
