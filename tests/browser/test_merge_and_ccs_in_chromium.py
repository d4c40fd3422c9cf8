"""Issue 20's merge and portal CCs in a real browser: a lead merges one ticket into another
and the survivor's thread carries both conversations, each merged message marked; the
customer then copies a colleague on the ticket in the portal, a bad address refused next to
the field, and removes them again."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket
from tierdesk.services import tickets

NewPage = Callable[[], Page]


def test_a_merged_thread_reads_whole_and_the_customer_manages_who_is_copied(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    first = customer_ticket(live_desk, "Fax drops pages", "Every second page is lost.")
    second = customer_ticket(live_desk, "Fax still broken", "Still losing pages today.")
    lead = open_page()
    sign_in(lead, live_desk.lead)
    lead.goto(f"/tickets/{first.number}")
    lead.locator("#merge-split > summary").click()

    lead.get_by_label("Merge into ticket").fill(second.number or "")
    lead.get_by_role("button", name="Merge", exact=True).click()

    lead.wait_for_url(f"**/tickets/{second.number}**")
    thread = lead.locator("section[aria-labelledby=thread-h] article")
    expect(thread).to_have_count(2)
    expect(thread.nth(0)).to_contain_text("Every second page is lost.")
    expect(thread.nth(0).locator(".merged-from")).to_have_text(f"from {first.number}")
    expect(thread.nth(1).locator(".merged-from")).to_have_count(0)

    customer = open_page()
    sign_in(customer, live_desk.customer)
    customer.goto(f"/portal/tickets/{second.number}")
    expect(customer.get_by_text(f"from {first.number}")).to_be_visible()
    box = customer.get_by_label("Copy more addresses")
    box.fill("it@acme.example, it-at-acme")
    customer.get_by_role("button", name="Add", exact=True).click()
    error = customer.locator("#cc-add ~ .form-error, .form-error")
    expect(error).to_contain_text("“it-at-acme” is not an e-mail address.")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert tickets.get_ticket(live_desk.app.desk, live_desk.lead, second.number or "").ccs == []

    box.fill("it@acme.example")
    customer.get_by_role("button", name="Add", exact=True).click()
    expect(customer.locator("#ticket-ccs")).to_contain_text("it@acme.example")
    customer.get_by_role("button", name="Remove it@acme.example").click()
    expect(customer.get_by_text("Nobody is copied.")).to_be_visible()
