"""Time spent in a real browser: an agent logs time on the ticket page (a duration the desk
cannot read is said next to the field), and the lead finds it in the time report."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket

NewPage = Callable[[], Page]


def test_an_agent_logs_time_on_the_ticket_and_the_lead_sees_it_in_the_report(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    ticket = customer_ticket(live_desk, "Trunk drops calls", "After 32 seconds, every call.")
    page = open_page()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{ticket.number}")

    panel = page.locator("#time")
    panel.get_by_label("Time", exact=True).fill("an hour or so")
    panel.get_by_role("button", name="Log time").click()
    expect(panel.locator(".form-error")).to_contain_text("is not a duration")

    panel.get_by_label("Time", exact=True).fill("1h 30m")
    panel.get_by_label("Note", exact=True).fill("Traced the SIP session timer")
    panel.get_by_role("button", name="Log time").click()
    expect(page.get_by_role("status")).to_have_text("Logged 1h 30m")
    expect(page.locator("#time-total")).to_contain_text("1h 30m logged")
    expect(page.locator("#time-entries")).to_contain_text("Traced the SIP session timer")

    lead = open_page()
    sign_in(lead, live_desk.lead)
    lead.goto("/reports")
    lead.get_by_role("link", name="Time spent per organisation").click()
    report = lead.locator("#time-report")
    expect(report).to_contain_text("1h 30m")
    lead.get_by_label("Per", exact=True).select_option("agent")
    lead.get_by_role("button", name="Show").click()
    expect(report).to_contain_text(live_desk.l1.name)
