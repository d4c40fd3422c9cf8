"""CCs on the ticket page: set in the Details panel, shown beside the requester and on the
trail; an address that is not one refused next to the field, and never rendered as markup."""

from __future__ import annotations

import html
from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tests.web.test_ticket_details import _SEEN, post_details, trail_of
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import tickets

SignIn = Callable[[Agent | Contact], Browser]
PAYLOAD = "<script>alert(1)</script>@evil.example"


def test_ccs_set_in_the_details_panel_are_stored_shown_and_on_the_trail(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = open_at_l1(web, "Voicemail full").number or ""
    l1 = signed_in(web.l1)

    response, _ = post_details(
        l1, number, ccs=f"Ops@Acme.example, it@acme.example\n{web.acme_contact.email}"
    )

    assert response.status_code == 204, response.text
    stored = tickets.get_ticket(web.app.desk, web.l1, number)
    assert stored.ccs == ["ops@acme.example", "it@acme.example"]  # the requester is mailed anyway
    page = l1.get(f"/tickets/{number}").text
    assert '<dd id="ticket-ccs">ops@acme.example, it@acme.example</dd>' in page
    assert "ops@acme.example" in trail_of(l1, number)


def test_a_bad_cc_is_refused_next_to_the_field_and_nothing_is_changed(
    web: WebDesk, signed_in: SignIn
) -> None:
    number = open_at_l1(web, "Hunt group rings once").number or ""

    response, _ = post_details(
        signed_in(web.l1), number, ccs="ops@acme.example, ops-at-acme", priority="P2"
    )

    assert response.status_code == 422
    assert response.headers["X-Desk-Fields"] == "ccs"
    assert "'ops-at-acme' is not an e-mail address" in response.text
    stored = tickets.get_ticket(web.app.desk, web.l1, number)
    assert stored.ccs == [] and str(stored.priority) == "P3"


def test_a_script_typed_as_a_cc_comes_back_as_text(web: WebDesk, signed_in: SignIn) -> None:
    number = open_at_l1(web, "Paging fails").number or ""
    browser = signed_in(web.l1)
    page = browser.get(f"/tickets/{number}").text
    seen = _SEEN.search(page)
    assert seen is not None

    # Sent as a plain form (no HTMX), so the message comes back in an error page.
    data = {"seen": html.unescape(seen.group(1)), "ccs": PAYLOAD}
    response = browser.post(f"/tickets/{number}/details", data)

    assert response.status_code == 422
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@evil.example" in response.text
