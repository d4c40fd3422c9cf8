"""A lead's first day in a real browser: a business calendar added on the admin page (a bad
time zone shown next to its field, what was typed kept) with its holidays, then a defect
opened from a ticket's page through the drafted form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.services import catalog, defects, people, sla, tickets
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]


def test_a_lead_adds_a_calendar_with_holidays_and_opens_a_defect_from_a_ticket(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    page = open_page()
    sign_in(page, live_desk.lead)
    page.goto("/admin#calendars")

    page.locator("#nc-cal-name").fill("Berlin office")
    zone = page.locator("#nc-cal-tz")
    zone.fill("Europe/Berln")
    page.locator("#nc-cal-hours").fill("mon-fri 09:00-18:00")
    page.get_by_role("button", name="Add calendar").click()
    expect(page.locator("#nc-cal-tz + .form-error")).to_contain_text("unknown time zone")
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#nc-cal-name")).to_have_value("Berlin office")

    zone.fill("Europe/Berlin")
    page.get_by_role("button", name="Add calendar").click()
    expect(page.get_by_role("status").first).to_have_text("Calendar Berlin office added")
    berlin = sla.get_calendar(desk, live_desk.lead, "Berlin office")
    page.locator(f"#calendar-{berlin.id} summary").click()
    page.get_by_role("textbox", name="Add holidays to Berlin office").fill("2026-12-25\n2026-12-26")
    page.get_by_role("button", name="Add holidays to Berlin office").click()
    expect(page.get_by_role("status").first).to_have_text("2 holidays added to Berlin office")
    holidays = sla.get_calendar(desk, live_desk.lead, berlin.id or 0).holidays
    assert holidays == {date(2026, 12, 25), date(2026, 12, 26)}

    ticket = tickets.open_ticket(
        desk,
        live_desk.customer,
        tickets.NewTicket(subject="One-way audio after 6.2", body_text="Callers hear nothing."),
    )
    page.goto(f"/tickets/{ticket.number}")
    page.get_by_role("button", name="Open a defect…").click()
    expect(page.locator("#df-title")).to_have_value("One-way audio after 6.2")
    page.locator("#df-steps").fill("Upgrade to 6.2\nCall through the media relay")
    page.locator("#df-actual").fill("Callers hear nothing.")
    page.get_by_role("button", name="Open the defect").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("One-way audio after 6.2")
    [(defect, linked)] = defects.list_defects(desk, live_desk.lead)
    assert (defect.source_ticket_id, linked) == (ticket.id, 1)
    expect(page.get_by_role("link", name=ticket.number or "")).to_be_visible()


def test_a_name_of_200_letters_without_a_space_wraps_instead_of_widening_the_admin_page(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    long_name = "Q" * 200  # the longest an organisation's or a product's name may be
    people.create_organisation(live_desk.app.desk, SYSTEM, people.NewOrganisation(long_name))
    catalog.create_product(live_desk.app.desk, SYSTEM, catalog.NewProduct(long_name, key="q"))
    page = open_page()  # 1280 wide
    sign_in(page, live_desk.lead)

    page.goto("/admin")

    expect(page.get_by_text(long_name, exact=True).first).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_on_a_phone_the_admin_page_scrolls_its_tables_not_the_page(
    live_desk: LiveDesk, phone: NewPage
) -> None:
    """The agents' table scrolls inside its box; the screen-reader labels of its row forms
    (absolutely positioned, visually hidden) were not held by that box and widened the page to
    663 px at 390, so the queues' answer policies sat off screen."""
    page = phone()
    sign_in(page, live_desk.lead)

    page.goto("/admin")

    expect(page.get_by_role("heading", name="Queues")).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
