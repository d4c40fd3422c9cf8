"""Hardware replacement in a real browser (issue 21 item 4): on the ticket page an L1 agent
requests an RMA for the unit the ticket is about (preselected; a bad value is shown next to its
field), cannot approve it, an L2 engineer approves and ships it with the replacement's serial
and tracking, and the installed-base panel shows the replacement."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket
from tierdesk.services import catalog
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]


def test_an_rma_is_requested_approved_and_shipped_on_the_ticket_page(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    organisation = live_desk.customer.organisation_id
    catalog.create_product(desk, SYSTEM, catalog.NewProduct(name="Kestrel Phone", key="phone"))
    ib.add_site(desk, SYSTEM, organisation, ib.SiteInput("Berlin", "Hauptstr. 1, Berlin"))
    ib.add_item(desk, SYSTEM, organisation, ib.ItemInput("phone", "Berlin", "2.0", "KP-2311001"))
    ib.add_item(desk, SYSTEM, organisation, ib.ItemInput("phone", "Berlin", "2.0", "KP-2311002"))
    ticket = customer_ticket(live_desk, "Handset dead", "Serial number: KP-2311001 shows nothing.")

    page = open_page()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{ticket.number}")
    panel = page.locator("#rmas")
    expect(panel).to_contain_text("No RMA on this ticket.")
    expect(panel.get_by_label("Kestrel Phone · KP-2311001 · Berlin")).to_be_checked()
    expect(panel.get_by_label("Kestrel Phone · KP-2311002 · Berlin")).not_to_be_checked()
    panel.get_by_label("Fault").fill("No display, no ring tone")
    panel.get_by_label("Declared value").fill("lots")
    panel.get_by_role("button", name="Request RMA").click()
    expect(panel.get_by_label("Declared value")).to_have_attribute("aria-invalid", "true")
    panel.get_by_label("Declared value").fill("120.00")
    panel.get_by_role("button", name="Request RMA").click()
    expect(page.get_by_role("status")).to_have_text("1 RMA requested")
    expect(panel.locator("[data-rma-state]")).to_have_text("requested")
    # Nobody approves their own request: the requester is not offered the button at all.
    expect(panel.get_by_role("button", name="Approve RMA-")).to_have_count(0)

    engineer = open_page()
    sign_in(engineer, live_desk.l2)
    engineer.goto(f"/tickets/{ticket.number}")
    panel = engineer.locator("#rmas")
    panel.get_by_role("button", name="Approve RMA-").click()
    expect(engineer.get_by_role("status")).to_contain_text("approved")
    panel.get_by_label("Replacement serial").fill("KP-2311009")
    panel.get_by_label("Tracking").fill("1Z999AA1")
    panel.get_by_role("button", name="Ship RMA-").click()
    expect(engineer.get_by_role("status")).to_contain_text("shipped")
    expect(panel.locator("[data-replacement]")).to_have_text("KP-2311009")
    expect(panel).to_contain_text("tracking 1Z999AA1")
    expect(engineer.locator("#installed-base")).to_contain_text("serial KP-2311009")
    expect(engineer.locator("section[aria-labelledby=thread-h]")).to_contain_text(
        "has been shipped to you"
    )
