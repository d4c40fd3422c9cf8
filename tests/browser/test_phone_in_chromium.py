"""The workspace on a phone (390×844, an ordinary phone's screen) in a real browser: the
header menu folds behind a button, the queue fits the screen's width and the ticket page shows
its SLA clocks before the thread."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket
from tierdesk.services import enhancements, incidents


def test_on_a_phone_the_menu_folds_and_the_queue_fits_the_screen(
    live_desk: LiveDesk, phone: Callable[[], Page]
) -> None:
    for n in range(3):
        customer_ticket(live_desk, f"Voicemail greeting lost after upgrade {n}", "Since 4.2.")
    # An open incident offers "link ticked to incident" by its title, as long as the demo's
    # (the select was as wide as the title and pushed the page 100 px sideways).
    incidents.declare_incident(
        live_desk.app.desk,
        live_desk.lead,
        "Licence activation service rejects renewals (HTTP 503) for every customer",
    )
    page = phone()
    sign_in(page, live_desk.lead)

    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    knowledge = page.get_by_role("link", name="Knowledge base")
    expect(knowledge).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(knowledge).to_be_visible()

    expect(page.get_by_text("Voicemail greeting lost after upgrade 2")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_the_ticket_page_shows_its_clocks_in_the_first_screen(
    live_desk: LiveDesk, phone: Callable[[], Page]
) -> None:
    ticket = customer_ticket(live_desk, "Trunk drops calls", "After 32 seconds.\n" * 40)
    page = phone()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{ticket.number}")

    clocks = page.get_by_role("heading", name="SLA deadlines")
    expect(clocks).to_be_visible()
    box = clocks.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    # the assist panel is folded above the thread, one tap away
    assist = page.locator("details.fold", has=page.locator("#assist"))
    expect(assist).not_to_have_attribute("open", "")
    assist.locator("summary").click()
    expect(page.locator("#assist")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_time_logged_twice_in_a_row_shows_both_entries_in_view(
    live_desk: LiveDesk, phone: Callable[[], Page]
) -> None:
    # Found at 390 px: after "Log time" the page came back with the Time spent panel folded
    # away, the new entry out of sight (tests/web/test_redirect_urls.py has the second "Log
    # time" in a row, whose answer led to the page's own address).
    ticket = customer_ticket(live_desk, "Trunk drops calls", "After 32 seconds.")
    page = phone()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{ticket.number}")
    page.locator("details.fold", has=page.locator("#time")).locator("summary").click()

    for logged in (1, 2):
        page.locator("#time-minutes").fill("30m")
        page.get_by_role("button", name="Log time").click()
        expect(page.locator("#time-entries tbody tr")).to_have_count(logged)
        expect(page.locator("#time-minutes")).to_have_value("")
        expect(page.locator("#time-entries")).to_be_visible()  # its fold open, the rest not
        expect(page.locator("#assist")).to_be_hidden()  # the other panels stay folded


def test_on_a_phone_the_portals_tickets_are_read_without_scrolling_sideways(
    live_desk: LiveDesk, phone: Callable[[], Page]
) -> None:
    # Found at 390 px: the five-column table squeezed the subject to a few letters a line and
    # cut off the "Updated" column, to be scrolled to inside the table; the enhancement
    # requests' "Withdraw vote" button stood three letters a line.
    ticket = customer_ticket(live_desk, "Voicemail greeting lost after the upgrade to 4.2", "x")
    wish = enhancements.create_enhancement(
        live_desk.app.desk, live_desk.lead, "Syslog over TLS (RFC 5425) with mutual TLS"
    )
    assert wish.id is not None
    enhancements.link_enhancement(live_desk.app.desk, live_desk.lead, wish.id, ticket.number or "")
    page = phone()
    sign_in(page, live_desk.customer)

    table = page.locator("main table")
    expect(table).to_contain_text("Voicemail greeting lost")
    wrap = page.locator("main .table-wrap")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
    subject = page.get_by_role("link", name="Voicemail greeting lost after the upgrade to 4.2")
    box = subject.bounding_box()
    assert box is not None and box["width"] > PHONE["width"] / 2

    page.goto("/portal/enhancements")
    withdraw = page.get_by_role("button", name="Withdraw vote")
    button = withdraw.bounding_box()
    assert button is not None and button["height"] < 48  # one line
    assert page.locator("main .table-wrap").evaluate("e => e.scrollWidth <= e.clientWidth")


def test_on_a_phone_a_refused_address_is_said_below_the_cc_box_which_keeps_its_width(
    live_desk: LiveDesk, phone: Callable[[], Page]
) -> None:
    # Found at 390 px: the refusal went into the box's flex row, between the box and "Add",
    # and squeezed the box (what was typed) to a sliver beside a column of words.
    ticket = customer_ticket(live_desk, "Fax drops pages", "Every second page is lost.")
    page = phone()
    sign_in(page, live_desk.customer)
    page.goto(f"/portal/tickets/{ticket.number}")
    box = page.get_by_label("Copy more addresses")
    width_before = box.bounding_box()
    assert width_before is not None

    box.fill("it-at-acme")
    page.get_by_role("button", name="Add", exact=True).click()

    error = page.locator("form .form-error")
    expect(error).to_contain_text("is not an e-mail address")
    shown, said = box.bounding_box(), error.bounding_box()
    assert shown is not None and said is not None
    assert shown["width"] == width_before["width"]
    assert said["y"] >= shown["y"] + shown["height"]  # below the box, not beside it
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
