"""The installed base in a real browser (issue 21 item 1): a lead records a site and an item
(a mistake is shown next to its field), imports a CSV file (a bad row names its line and column
and imports nothing), and the ticket page's panel shows the item a new ticket is about and
that the customer's support has expired; the agent unlinks and links it by hand."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket
from tierdesk.services import catalog
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]

BAD = (
    "kind,site,product,serial,name,expires_on\n"
    "item,Berlin,sbc,SBC-9,,\n"
    "support,,sbc,,Premium,31/01/2020\n"
)
GOOD = BAD.replace("31/01/2020", "2020-01-31")


def _csv(page: Page, text: str) -> None:
    page.get_by_label("CSV file", exact=True).set_input_files(
        {"name": "base.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Import", exact=True).click()


def test_a_lead_records_an_installed_base_and_the_ticket_shows_its_item_and_expired_support(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    catalog.create_product(
        live_desk.app.desk, SYSTEM, catalog.NewProduct(name="Kestrel SBC", key="sbc")
    )
    page = open_page()
    sign_in(page, live_desk.lead)
    page.goto(f"/organisations/{live_desk.customer.organisation_id}/installed")
    expect(page.get_by_role("heading", name="Installed base of Acme Telecom")).to_be_visible()

    page.get_by_label("New site").fill("Frankfurt DC")
    page.get_by_role("button", name="Add site").click()
    expect(page.get_by_role("status")).to_have_text("Site added")

    items = page.locator("#items")
    items.get_by_label("Product").last.fill("nosuch")
    items.get_by_label("Serial number").last.fill("SBC-1")
    page.get_by_role("button", name="Add item").click()
    expect(items.get_by_label("Product").last).to_have_attribute("aria-invalid", "true")
    items.get_by_label("Product").last.fill("sbc")
    items.get_by_label("Site").last.fill("Frankfurt DC")
    items.get_by_label("Version").last.fill("4.2.1")
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_role("status")).to_have_text("Item added")
    expect(page.locator("#items tbody")).to_contain_text("SBC-1")

    _csv(page, BAD)
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("line 3, column expires_on")
    expect(page.locator("#items tbody")).not_to_contain_text("SBC-9")
    _csv(page, GOOD)
    expect(page.get_by_role("status")).to_contain_text("1 items added")
    expect(page.locator("#items tbody")).to_contain_text("SBC-9")
    expect(page.locator("#entitlements tbody")).to_contain_text("expired")

    ticket = customer_ticket(live_desk, "SBC reboots", "Serial number: SBC-1 reboots every hour.")
    page.goto(f"/tickets/{ticket.number}")
    panel = page.locator("#installed-base")
    expect(panel).to_contain_text("serial SBC-1")
    expect(panel).to_contain_text("matched by serial")
    expect(panel.get_by_role("alert")).to_have_text(
        "Support for Kestrel SBC expired on 2020-01-31."
    )

    # The notice is the first status: a change a job makes meanwhile adds "Changed since you
    # opened it" below it (seen once in a loaded run).
    panel.get_by_role("button", name="Unlink SBC-1").click()
    expect(page.get_by_role("status").first).to_have_text("Installed item unlinked")
    expect(panel).to_contain_text("No installed item matched this ticket.")
    panel.get_by_label("The ticket is about").select_option(label="Kestrel SBC · SBC-9 · Berlin")
    panel.get_by_role("button", name="Link").click()
    expect(page.get_by_role("status").first).to_have_text("Installed item linked")
    expect(panel).to_contain_text("matched by agent")
