"""Reports in a real browser: a lead opens them from the menu, switches the grouping, clicks a
column of the chart and lands on the tickets it counts."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.services import tickets

NewPage = Callable[[], Page]


def test_a_lead_switches_to_organisations_and_a_column_opens_its_tickets(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    opened = [
        tickets.open_ticket(
            desk,
            live_desk.customer,
            tickets.NewTicket(subject=subject, body_text="It broke.", queue="l1-all"),
        )
        for subject in ("Calls drop after 30 seconds", "Echo on the trunk")
    ]
    tickets.solve_ticket(desk, live_desk.lead, opened[0].number or "", "Fixed.")
    page = open_page()
    sign_in(page, live_desk.lead)

    page.get_by_role("link", name="Reports", exact=True).click()
    page.wait_for_url("**/reports")
    expect(page.locator("#report-charts figure")).to_have_count(5)  # L0 to L4
    page.get_by_role("link", name="Backlog", exact=True).click()
    page.get_by_label("Per", exact=True).select_option("organisation")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**group=organisation**")
    expect(page.locator("#report-table")).to_contain_text("Acme Telecom")

    column = page.locator(
        'svg a[aria-label^="Acme Telecom, "][aria-label$=": 1, list the tickets"]'
    )
    expect(column).to_have_count(1)  # this week's: the one still open
    column.click()
    page.wait_for_url("**/reports/tickets?**")
    rows = page.locator("#drill-tickets tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(opened[1].number or "")
    page.get_by_role("link", name=opened[1].number or "").click()
    page.wait_for_url(f"**/tickets/{opened[1].number}")
