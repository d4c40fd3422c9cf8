"""The workspace's search box: tickets and notes an agent may see, with manual passages beside
them; never another organisation's ticket for a customer."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest

from tests.follow_ups import run_follow_ups
from tests.web.conftest import Browser, WebDesk
from tests.web.test_article_pages import solved_at_l2
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor, Agent, Contact, Tier
from tierdesk.errors import InvalidInputError
from tierdesk.services import knowledge, queues, search, tickets
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
    run_follow_ups(web.app.desk)

    browser = signed_in(web.lead)
    page = browser.get("/search", params={"q": "488 Not Acceptable"}).text
    assert by_text in page
    assert "Codec negotiation" in page  # the manual passage beside it
    assert by_note in browser.get("/search", params={"q": "watchdog kernel panic"}).text
    assert 'action="/search"' in browser.get("/queue").text  # the box is on every page


def test_a_customer_finds_only_their_organisations_tickets(web: WebDesk) -> None:
    mine = _open(web, web.acme_contact, "Voicemail lost", "Greeting vanished overnight.")
    theirs = _open(web, web.globex_contact, "Voicemail lost too", "Greeting vanished overnight.")
    run_follow_ups(web.app.desk)
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


def _number_digits(number: str) -> str:
    return number.split("-", 1)[1]


def test_a_ticket_number_or_reference_in_a_search_box_opens_that_ticket(
    web: WebDesk, signed_in: SignIn
) -> None:
    _open(web, web.acme_contact, "Provisioning fails", "The phone cannot reach the server.")
    wanted = _open(web, web.acme_contact, "Voicemail lost", "Greeting vanished overnight.")
    browser = signed_in(web.lead)
    digits = _number_digits(wanted)

    for box in ("/search", "/kb"):
        for typed in (wanted, wanted.lower(), f" {wanted} ", digits, f"#{digits}"):
            response = browser.get(box, params={"q": typed}, follow_redirects=False)
            assert response.status_code == 303, (box, typed)
            assert response.headers["location"] == f"/tickets/{wanted}"
    page = browser.get("/search", params={"q": f"{digits} greeting"}, follow_redirects=False)
    assert page.status_code == 200  # a number among other words only puts the ticket first


def test_a_ticket_number_inside_a_short_query_puts_that_ticket_first(
    web: WebDesk, signed_in: SignIn
) -> None:
    wanted = _open(web, web.acme_contact, "Voicemail lost", "Greeting vanished overnight.")
    for i in range(3):
        _open(web, web.acme_contact, f"Provisioning fails {i}", "Provisioning server not found.")
    run_follow_ups(web.app.desk)

    browser = signed_in(web.lead)
    for typed in (f"{wanted} provisioning", f"provisioning {_number_digits(wanted)}"):
        found = search.search_tickets(web.app.desk, web.lead, typed)
        assert found[0].ticket.number == wanted and found[0].named, typed
        page = browser.get("/search", params={"q": typed}).text
        assert page.index(f'href="/tickets/{wanted}"') < page.index("Provisioning fails")


def test_a_ticket_nobody_may_see_is_not_found_by_its_number(
    web: WebDesk, signed_in: SignIn
) -> None:
    queues.create_queue(
        web.app.desk, SYSTEM, queues.NewQueue(key="l2-voice", name="Voice L2", tier=Tier.L2)
    )
    at_l2 = (
        tickets.open_ticket(
            web.app.desk,
            web.lead,
            tickets.NewTicket(
                subject="Trunk down",
                body_text="The trunk is down.",
                requester_id=web.acme_contact.id,
                queue="l2-voice",
            ),
        ).number
        or ""
    )
    theirs = _open(web, web.globex_contact, "Fax fails", "T.38 fails.")

    browser = signed_in(web.l1)
    for box in ("/search", "/kb"):
        for typed in (at_l2, f"#{_number_digits(at_l2)}", _number_digits(at_l2)):
            response = browser.get(box, params={"q": typed}, follow_redirects=False)
            assert response.status_code == 200, (box, typed)  # searched as text: no redirect
            assert f'href="/tickets/{at_l2}"' not in response.text
    assert at_l2 not in [
        f.ticket.number for f in search.search_tickets(web.app.desk, web.l1, at_l2)
    ]
    assert search.search_tickets(web.app.desk, web.l2, at_l2)[0].ticket.number == at_l2
    customer = [
        f.ticket.number for f in search.search_tickets(web.app.desk, web.acme_contact, theirs)
    ]
    assert theirs not in customer


def test_a_solved_ticket_beyond_the_agents_levels_shows_its_solution_by_its_number(
    web: WebDesk, signed_in: SignIn
) -> None:
    """Typed into the box, the number of a ticket L2 solved does not open it for an L1 agent
    (the door), but its solution is every agent's knowledge: shown first, not "no ticket
    matches"."""
    ticket = solved_at_l2(web)
    number = ticket.number or ""
    browser = signed_in(web.l1)

    for typed in (number, _number_digits(number)):
        response = browser.get("/search", params={"q": typed}, follow_redirects=False)
        assert response.status_code == 200, typed  # not opened: beyond L1
        page = html.unescape(response.text)
        assert "Switch the codec to G.722." in page, typed  # the answer it was solved with
        assert "beyond your levels" in page and f'href="/tickets/{number}"' not in page
        assert "No ticket you may see matches this well." not in page


def test_the_kb_search_shows_how_a_ticket_named_by_its_number_was_solved(
    web: WebDesk, signed_in: SignIn
) -> None:
    """The KB page's "How it was solved before" answers a solved ticket's number too, also
    one beyond the agent's levels (its solution, not "no solved ticket answers this")."""
    number = solved_at_l2(web).number or ""
    browser = signed_in(web.l1)

    page = html.unescape(browser.get("/kb", params={"q": number}).text)

    assert "Switch the codec to G.722." in page and "beyond your levels" in page
    assert "No solved ticket answers this well." not in page
