"""A side conversation in a real browser: from the ticket page's panel an agent mails a vendor
with the customer's message quoted, the vendor's reply comes back into it, the agent closes it
and turns its summary, edited, into a public reply that only their submit posts."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket
from tierdesk.domain.inbound import InboundEmail
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.side_conversation_mail import receive_side_reply

NewPage = Callable[[], Page]


def _vendor_replies(live_desk: LiveDesk, ticket_id: int, text: str) -> None:
    """What intake does with the vendor's mail, sent to the side conversation's address."""
    desk = live_desk.app.desk
    with desk.uow() as uow:
        [side] = uow.side_conversations.of_ticket(ticket_id, 5)
        email = InboundEmail(
            message_id="<r1@vendor.example>",
            subject="Re: firmware",
            from_address="vera@vendor.example",
            from_name="Vera Vendor",
            text=text,
            to=(f"support+side-{side.token}@desk.test",),
        )
        assert receive_side_reply(uow, desk, email, desk.clock.now()) is not None
        uow.commit()


def test_an_agent_asks_a_vendor_aside_and_posts_what_they_learnt_as_a_public_reply(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    ticket = customer_ticket(live_desk, "Handsets reboot", "Our DeskPhone 300s reboot hourly.")
    page = open_page()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{ticket.number}")

    panel = page.locator("#side-conversations")
    expect(panel).to_contain_text("None yet")
    panel.get_by_text("Start a side conversation").click()
    panel.get_by_label("E-mail addresses").fill("vera@vendor.example")
    panel.get_by_label("Subject").fill("Known firmware issue?")
    panel.get_by_label("Message", exact=True).fill("Have you seen this?")
    panel.get_by_label("DeskPhone 300s", exact=False).check()
    panel.get_by_role("button", name="Start").click()

    expect(page.get_by_role("status")).to_have_text("Started")
    expect(page.locator("ol.side-thread")).to_contain_text("> Our DeskPhone 300s reboot hourly.")
    expect(page.locator(".side-state")).to_have_text("waiting on them")

    _vendor_replies(live_desk, ticket.id or 0, "Known issue. Firmware 4.2.2 fixes the reboots.")
    page.reload()
    expect(page.locator("li.side-in")).to_contain_text("Firmware 4.2.2 fixes the reboots.")
    expect(page.locator(".side-state")).to_have_text("answered")
    page.get_by_role("button", name="Close").click()
    expect(page.locator(".side-state")).to_have_text("closed")

    page.get_by_role("link", name="Turn into a public reply…").click()
    body = page.get_by_label("Reply to the customer")
    expect(body).to_be_visible()
    assert "4.2.2" in body.input_value()
    assert len(tickets.get_ticket(live_desk.app.desk, SYSTEM, ticket.number or "").messages) == 1
    body.fill("Good news: firmware 4.2.2 fixes the hourly reboots.")
    page.get_by_role("button", name="Post public reply").click()

    expect(page.get_by_role("status")).to_have_text("Public reply posted")
    expect(page.locator("main")).to_contain_text("firmware 4.2.2 fixes the hourly reboots")
    expect(page.locator("#side-conversations")).to_contain_text("closed")


def test_a_long_link_in_a_quoted_message_does_not_widen_the_phone_page(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    link = "https://downloads.vendor.example/firmware/" + "deskphone-300-4.2.2-" * 8 + "x.bin"
    ticket = customer_ticket(live_desk, "Firmware link", f"{link}\nIs this the right file?")
    page = open_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{ticket.number}")
    panel = page.locator("#side-conversations")
    expect(panel).to_contain_text("None yet")
    page.locator("summary", has_text="Side conversations").click()  # folded on a phone

    panel.get_by_text("Start a side conversation").click()

    expect(panel.get_by_label("downloads.vendor.example", exact=False)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
