"""Live updates in a real browser (issue 20): two agents, and a ticket opened by one of them
appears in the other's queue without a reload; the ticket page says who else is on it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.services import tickets

NewPage = Callable[[], Page]


def test_a_new_ticket_appears_in_another_agents_queue_without_a_reload(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    lena = open_page()
    sign_in(lena, live_desk.l1)
    lena.goto("/queue?tier=1")
    expect(lena.locator("body[data-live-state=open]")).to_have_count(1)
    lena.evaluate("window.notReloaded = true")

    opened = tickets.open_ticket(
        live_desk.app.desk,
        live_desk.lead,
        tickets.NewTicket(
            subject="Switchboard drops every call",
            body_text="Since this morning.",
            requester_id=live_desk.customer.id,
            queue="l1-all",
        ),
    )

    expect(lena.get_by_role("link", name=opened.number or "")).to_be_visible()
    assert lena.evaluate("window.notReloaded") is True
    expect(lena.get_by_label("Level", exact=True)).to_have_value("1")  # the filters stay


def test_the_ticket_page_shows_a_colleague_typing_a_reply(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    opened = tickets.open_ticket(
        live_desk.app.desk,
        live_desk.lead,
        tickets.NewTicket(
            subject="Headset crackles",
            body_text="Both ears.",
            requester_id=live_desk.customer.id,
            queue="l1-all",
        ),
    )
    lena, lea = open_page(), open_page()
    sign_in(lena, live_desk.l1)
    sign_in(lea, live_desk.lead)
    lena.goto(f"/tickets/{opened.number}")
    lea.goto(f"/tickets/{opened.number}")

    lea.get_by_label("Text", exact=True).fill("Please try another headset")

    # a polite live region, not a second role=status beside the page's notice
    expect(lena.locator(".presence")).to_contain_text("Lea Lead (typing a reply)", timeout=20_000)
