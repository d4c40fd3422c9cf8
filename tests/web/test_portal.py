"""The customer portal: own organisation only, public messages only, replies with attachments,
suggestions while typing and deflection, CSAT, and sign-in links sent by e-mail."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from tests.email.servers import SmtpSink
from tests.web.conftest import Browser, WebDesk
from tierdesk.config import MailSettings
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services import knowledge, known_issues, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.deflection import deflections_since

SignIn = Callable[[Agent | Contact], Browser]

MANUAL = b"""# Kestrel DeskPhone guide

## Factory reset

Hold Mute and 0 while you reconnect power until the display asks to reset the phone.
"""


def test_a_customer_sees_public_replies_but_never_internal_notes(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="Echo", body_text="Echo!")
    )
    number = ticket.number or ""
    add_message(web.app.desk, web.l1, number, MessageKind.PUBLIC_REPLY, text="Try the AEC switch.")
    add_message(web.app.desk, web.l1, number, MessageKind.INTERNAL_NOTE, text="SECRET-NOTE-TEXT")

    customer = signed_in(web.acme_contact)
    listing = customer.get("/portal/tickets").text
    page = customer.get(f"/portal/tickets/{number}").text

    assert number in listing
    assert "Try the AEC switch." in page
    assert "SECRET-NOTE-TEXT" not in page


def test_another_organisations_ticket_is_not_found_anywhere_in_the_portal(
    web: WebDesk, signed_in: SignIn
) -> None:
    theirs = tickets.open_ticket(
        web.app.desk, web.globex_contact, tickets.NewTicket(subject="Globex only", body_text="x")
    )
    number = theirs.number or ""
    customer = signed_in(web.acme_contact)

    assert number not in customer.get("/portal/tickets").text
    assert customer.get(f"/portal/tickets/{number}").status_code == 404
    customer.get("/portal/tickets")
    assert customer.post(f"/portal/tickets/{number}/messages", {"body": "hi"}).status_code == 404
    assert "Globex only" not in customer.suggest({"subject": "Globex only x"}).text


def test_a_customer_opens_a_ticket_with_an_attachment_and_replies(
    web: WebDesk, signed_in: SignIn
) -> None:
    customer = signed_in(web.acme_contact)
    customer.get("/portal/tickets/new")
    response = customer.post(
        "/portal/tickets",
        {"subject": "Phones reboot", "body": "Every night at 2am."},
        files=[("files", ("boot.log", b"reboot reason: watchdog\n", "text/plain"))],
    )
    assert response.status_code == 200
    number = response.url.path.rsplit("/", 1)[-1]
    assert "boot.log" in response.text

    link = re.search(r'href="(/portal/tickets/[^"]+/attachments/\d+)"', response.text)
    assert link is not None
    download = customer.get(link.group(1))
    assert download.content == b"reboot reason: watchdog\n"
    assert download.headers["content-disposition"].startswith("attachment")

    replied = customer.post(f"/portal/tickets/{number}/messages", {"body": "Still happening."})
    assert "Still happening." in replied.text
    assert tickets.get_ticket(web.app.desk, SYSTEM, number).channel == "portal"


def test_the_portal_takes_as_long_a_subject_as_the_desk_does(
    web: WebDesk, signed_in: SignIn
) -> None:
    """The box stopped at 300 characters where the desk takes 500: a longer subject pasted in
    was cut without a word."""
    customer = signed_in(web.acme_contact)
    page = customer.get("/portal/tickets/new").text
    box = re.search(r'<input id="subject"[^>]*maxlength="(\d+)"', page)
    assert box is not None
    longest = 500  # TicketCreate.subject, the API's and the workspace's limit
    assert int(box.group(1)) == longest
    opened = customer.post("/portal/tickets", {"subject": "s" * longest, "body": "Long."})
    assert opened.status_code == 200
    number = opened.url.path.rsplit("/", 1)[-1]
    assert tickets.get_ticket(web.app.desk, SYSTEM, number).subject == "s" * longest


def test_suggestions_while_typing_cite_the_manual_and_a_click_records_a_deflection(
    web: WebDesk, signed_in: SignIn
) -> None:
    parsed = web.app.read_document(MANUAL, "deskphone.md")
    knowledge.add_article(web.app.desk, SYSTEM, parsed, "deskphone.md")
    customer = signed_in(web.acme_contact)

    too_short = customer.suggest({"subject": "reset"}).text
    assert "Factory reset" not in too_short

    found = customer.suggest({"subject": "factory reset", "body": "how do I reset the phone"}).text
    assert "Factory reset" in found
    assert "Kestrel DeskPhone guide" in found  # the citation

    source = re.search(r'name="source" value="([^"]+)"', found)
    assert source is not None
    customer.post(
        "/portal/deflect",
        {"source": source.group(1), "title": "Factory reset", "subject": "factory reset"},
    )
    recorded = deflections_since(web.app.desk, web.app.desk.clock.now().replace(year=2000))
    assert [d.source for d in recorded] == [source.group(1)]
    assert recorded[0].organisation_id == web.acme.id


def test_a_deflection_by_a_known_issue_records_that_known_issue(
    web: WebDesk, signed_in: SignIn
) -> None:
    issue = known_issues.create_known_issue(
        web.app.desk,
        web.l2,
        known_issues.KnownIssueInput(
            title="Faxes fail after the SBC upgrade",
            symptoms="Faxes fail after upgrading the SBC to 6.0.0",
            fix="Set t38-passthrough=on on the trunk.",
        ),
    )
    customer = signed_in(web.acme_contact)
    found = customer.suggest({"subject": "faxes fail after upgrade"}).text
    assert f'name="source" value="known-issue:{issue.id}"' in found

    customer.post("/portal/deflect", {"source": f"known-issue:{issue.id}", "title": issue.title})
    recorded = deflections_since(web.app.desk, web.app.desk.clock.now().replace(year=2000))
    assert [d.source for d in recorded] == [f"known-issue:{issue.id}"]


def test_a_solved_ticket_is_rated_once(web: WebDesk, signed_in: SignIn) -> None:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="Rate me", body_text="x")
    )
    number = ticket.number or ""
    customer = signed_in(web.acme_contact)
    customer.get(f"/portal/tickets/{number}")
    refused = customer.post(f"/portal/tickets/{number}/rating", {"score": "5"})
    assert refused.status_code == 409  # not solved yet

    tickets.solve_ticket(web.app.desk, web.lead, number, "Replaced the PSU.")
    customer.get(f"/portal/tickets/{number}")
    rated = customer.post(f"/portal/tickets/{number}/rating", {"score": "4", "comment": "ok"})
    assert "You rated this ticket 4/5" in rated.text
    again = customer.post(f"/portal/tickets/{number}/rating", {"score": "1"})
    assert again.status_code == 409


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def test_a_customer_signs_in_with_an_emailed_link_that_works_once(
    web: WebDesk, smtp_sink: SmtpSink
) -> None:
    web.app.settings.mail = MailSettings(
        from_address="support@desk.test", smtp_host="127.0.0.1", smtp_port=smtp_sink.port
    )
    browser = Browser(TestClient(create_app(web.app)))
    browser.get("/portal/signin")
    answer = browser.post("/portal/link", {"email": web.acme_contact.email})
    unknown = browser.post("/portal/link", {"email": "stranger@example.com"})
    assert "sign-in link is on its way" in answer.text
    assert "sign-in link is on its way" in unknown.text  # nobody learns who has an account

    mails = smtp_sink.received
    assert [m.rcpt_tos for m in mails] == [[web.acme_contact.email]]
    link = re.search(
        r"http://127\.0\.0\.1:8000(/portal/link/[\w-]+)",  # no public_url: where serve listens
        mails[0].message.get_body(("plain",)).get_content(),
    )
    assert link is not None

    assert browser.get(link.group(1)).url.path == "/portal/tickets"
    other = Browser(TestClient(create_app(web.app)))
    assert other.get(link.group(1)).status_code == 401  # used up
