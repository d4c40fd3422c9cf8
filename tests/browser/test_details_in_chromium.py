"""The ticket page's Details panel in a real browser: the component list follows the chosen
product (an HTMX fragment), and the changes saved show on the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket
from tierdesk.services import catalog
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]


def test_an_agent_changes_priority_and_product_and_sees_them_on_the_trail(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    for name, components in (("Kestrel PBX", ["SIP Trunk"]), ("Kestrel SBC", ["Media relay"])):
        catalog.create_product(
            live_desk.app.desk, SYSTEM, catalog.NewProduct(name=name, components=components)
        )
    ticket = customer_ticket(live_desk, "Trunk drops calls", "After 32 seconds, every call.")
    page = open_page()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{ticket.number}")

    page.get_by_text("Details", exact=True).click()
    page.get_by_label("Priority", exact=True).select_option("P1")
    page.get_by_label("Product", exact=True).select_option(label="Kestrel SBC")
    component = page.get_by_label("Component", exact=True)
    expect(component.locator("option", has_text="Media relay")).to_be_attached()
    expect(component.locator("option", has_text="SIP Trunk")).not_to_be_attached()
    component.select_option("Media relay")
    page.get_by_role("button", name="Save details").click()

    expect(page.get_by_role("status")).to_have_text("Details saved")
    trail = page.locator("ol.trail")
    expect(trail).to_contain_text("priority: P3 → P1")
    expect(trail).to_contain_text("product: — → Kestrel SBC")
    expect(trail).to_contain_text("component: — → Media relay")
