"""The workspace's search box: tickets and notes an agent may see, with manual passages beside
them; never another organisation's ticket for a customer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor, Agent, Contact
from tierdesk.errors import InvalidInputError
from tierdesk.services import knowledge, search, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message

SignIn = Callable[[Agent | Contact], Browser]


def _open(web: WebDesk, who: Actor, subject: str, body: str) -> str:
    ticket = tickets.open_ticket(
        web.app.desk, who, tickets.NewTicket(subject=subject, body_text=body)
    )
    return ticket.number or ""


def test_the_search_page_finds_tickets_by_their_text_and_notes_beside_manual_passages(
    web: WebDesk, signed_in: SignIn
) -> None:
    manual = b"# SBC guide\n\n## Codec negotiation\n\nA 488 answer means no common codec.\n"
    knowledge.add_article(web.app.desk, SYSTEM, web.app.read_document(manual, "sbc.md"), "sbc.md")
    by_text = _open(web, web.acme_contact, "Calls fail", "Every call gets 488 Not Acceptable.")
    by_note = _open(web, web.globex_contact, "Phones reboot", "They restart at night.")
    add_message(
        web.app.desk,
        web.lead,
        by_note,
        MessageKind.INTERNAL_NOTE,
        text="Watchdog kernel panic in firmware 4.0.1.",
    )

    browser = signed_in(web.lead)
    page = browser.get("/search", params={"q": "488 Not Acceptable"}).text
    assert by_text in page
    assert "Codec negotiation" in page  # the manual passage beside it
    assert by_note in browser.get("/search", params={"q": "watchdog kernel panic"}).text
    assert 'action="/search"' in browser.get("/queue").text  # the box is on every page


def test_a_customer_finds_only_their_organisations_tickets(web: WebDesk) -> None:
    mine = _open(web, web.acme_contact, "Voicemail lost", "Greeting vanished overnight.")
    theirs = _open(web, web.globex_contact, "Voicemail lost too", "Greeting vanished overnight.")
    found = search.search_tickets(web.app.desk, web.acme_contact, "greeting vanished")
    assert mine in [f.ticket.number for f in found]
    assert theirs not in [f.ticket.number for f in found]
    assert theirs in [
        f.ticket.number for f in search.search_tickets(web.app.desk, web.lead, "greeting vanished")
    ]
    assert all(f.ticket.organisation_id == web.acme.id for f in found)
    with pytest.raises(InvalidInputError):
        search.search_tickets(web.app.desk, web.lead, "   ")


def test_the_search_page_escapes_the_query_and_needs_a_sign_in(
    web: WebDesk, signed_in: SignIn, new_browser: Callable[[], Browser]
) -> None:
    payload = "<script>alert(1)</script>"
    page = signed_in(web.l1).get("/search", params={"q": payload}).text
    assert payload not in page and "&lt;script&gt;" in page
    anonymous = new_browser().get("/search", params={"q": "x"}, follow_redirects=False)
    assert anonymous.status_code in (303, 307, 401)
