"""Upgrade advisories in a real browser (issue 21 item 3): a defect's page lists the customers
running an affected version; the lead follows "Advise affected customers…", sees a mistake
next to its field, previews the organisations, sends, and marks one acknowledged."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.services import catalog, defects, tickets
from tierdesk.services import installed_base as ib
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]


def test_a_lead_advises_the_customers_a_defect_affects_from_its_page(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    versions = [("5.2.1", None), ("5.10", None)]
    catalog.create_product(
        desk, SYSTEM, catalog.NewProduct("Kestrel SBC", "sbc", versions=versions)
    )
    ib.add_item(
        desk, SYSTEM, live_desk.customer.organisation_id, ib.ItemInput("sbc", version="5.2.1")
    )
    ib.add_item(
        desk, SYSTEM, live_desk.stranger.organisation_id, ib.ItemInput("sbc", version="5.10")
    )
    ticket = tickets.open_ticket(
        desk,
        live_desk.customer,
        tickets.NewTicket(
            subject="Calls drop", body_text="Calls drop", catalog=tickets.CatalogRef(product="sbc")
        ),
    )
    defect = defects.open_defect(
        desk,
        live_desk.lead,
        ticket.number or "",
        defects.DefectInput(actual="Calls drop", steps=["Call"], affected_versions=["5.2.1"]),
    )
    page = open_page()
    sign_in(page, live_desk.lead)

    page.goto(f"/defects/{defect.id}")
    affected = page.locator("#affected")
    expect(affected.get_by_role("heading")).to_have_text("1 customer runs an affected version")
    expect(affected).to_contain_text("Acme Telecom")
    affected.get_by_role("link", name="Advise affected customers…").click()

    expect(page.get_by_label("Linked record (known issue or defect)")).to_have_value(
        f"DEF-{defect.id}"
    )
    expect(page.get_by_label("Version", exact=True)).to_have_value("5.2.1")
    page.get_by_label("Recommended target version").select_option("5.2.1")
    page.get_by_label("Message to the customers").fill("Please upgrade to 5.10.")
    page.get_by_role("button", name="Preview the organisations").click()
    target = page.get_by_label("Recommended target version")
    expect(target).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#adv-target_version-error")).to_contain_text("newer than 5.2.1")

    target.select_option("5.10")
    page.get_by_role("button", name="Preview the organisations").click()
    expect(page.locator("#preview")).to_contain_text("Acme Telecom")
    page.get_by_role("button", name="Send to 1 organisation").click()

    expect(page.get_by_role("status")).to_have_text("Advisory sent")
    row = page.locator("tbody tr", has_text="Acme Telecom")
    expect(row.locator(".state")).to_contain_text("notified")
    row.get_by_role("button", name="Mark acknowledged").click()
    expect(page.locator("tbody tr", has_text="Acme Telecom").locator(".state")).to_contain_text(
        "acknowledged"
    )
