"""A saved queue view in a real browser: the filters are changed in place (htmx swaps only the
rows), saved under a name, and the view restores every one of them."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.services import tickets

NewPage = Callable[[], Page]


def test_a_saved_view_restores_the_filters_changed_in_place(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    page = open_page()
    sign_in(page, live_desk.lead)
    wanted = {
        "Level": "1",
        "Queue": "l1-all",
        "Language": "de",
        "Priority": "P2",
        "Status": "pending-customer",
        "Assignee": str(live_desk.l1.id),
    }
    for label, value in wanted.items():
        with page.expect_response(lambda r: "/queue?" in r.url):
            page.get_by_label(label, exact=True).select_option(value)
    with page.expect_response(lambda r: "audio" in r.url):
        page.get_by_label("Search", exact=True).press_sequentially("one-way audio", delay=20)

    page.locator("summary", has_text="Saved views").click()
    page.get_by_label("Save these filters as").fill("German waiting")
    page.get_by_role("button", name="Save view").click()
    page.wait_for_url("**/queue?*q=one-way*")
    # the boosted save swaps the page after the URL changes; navigating away before the swap
    # (and the row refresh it starts) has finished aborts the navigation in Chromium
    expect(page.get_by_role("link", name="German waiting", include_hidden=True)).to_have_count(1)
    page.wait_for_load_state("networkidle")

    page.goto("/queue")
    page.locator("summary", has_text="Saved views").click()
    page.get_by_role("link", name="German waiting").click()
    for label, value in wanted.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    expect(page.get_by_label("Search", exact=True)).to_have_value("one-way audio")


def test_a_pasted_search_term_filters_the_queue_and_the_subject_opens_the_ticket(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    for subject in ("KP-200 will not reset", "Trunk registration rejected"):
        tickets.open_ticket(
            live_desk.app.desk,
            live_desk.l1,
            tickets.NewTicket(
                subject=subject,
                body_text="Since this morning.",
                requester_id=live_desk.customer.id,
                queue="l1-all",
            ),
        )
    page = open_page()
    sign_in(page, live_desk.l1)
    rows = page.locator("#queue-rows")
    expect(rows).to_contain_text("Trunk registration rejected")

    # pasting (or a browser's autofill) fires "input" and no key event
    with page.expect_response(lambda r: "KP-200" in r.url):
        page.get_by_label("Search", exact=True).fill("KP-200")

    expect(rows).to_contain_text("KP-200 will not reset")
    expect(rows).not_to_contain_text("Trunk registration rejected")

    rows.get_by_text("KP-200 will not reset").click()  # the subject, as people do
    page.wait_for_url("**/tickets/TD-*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("KP-200 will not reset")
