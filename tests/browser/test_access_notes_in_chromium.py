"""Access notes in a real browser (issue 21 item 2): a lead writes one on the organisation's
page (an empty secret is refused next to its field), a level-1 agent sees on the ticket that it
exists but cannot reveal it, and a level-2 agent reveals it from the ticket page's panel."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket

NewPage = Callable[[], Page]
SECRET = "ssh ops@jump.acme.example -p 2222 / Pelican-8841"


def test_a_lead_writes_an_access_note_and_a_level_2_agent_reveals_it_on_the_ticket(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    page = open_page()
    sign_in(page, live_desk.lead)
    page.goto(f"/organisations/{live_desk.customer.organisation_id}/installed")
    section = page.locator("#access-notes")
    expect(section.get_by_role("heading", name="Add an access note")).to_be_visible()
    section.get_by_label("Title").last.fill("Jump host")
    section.get_by_label("Kind").last.select_option(label="Jump host")
    section.get_by_label("Secret").last.fill("   ")
    section.get_by_role("button", name="Add note").click()
    expect(section.get_by_label("Secret").last).to_have_attribute("aria-invalid", "true")
    expect(section.locator(".form-error")).to_contain_text("the secret cannot be empty")
    section.get_by_label("Secret").last.fill(SECRET)
    section.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("status")).to_have_text("Access note added")
    expect(page.locator("#access-notes tbody")).to_contain_text("Jump host")
    expect(page.locator("#access-notes")).not_to_contain_text("Pelican")

    ticket = customer_ticket(live_desk, "Trunk down", "The SIP trunk does not register.")
    first_line = open_page()
    sign_in(first_line, live_desk.l1)
    first_line.goto(f"/tickets/{ticket.number}")
    panel = first_line.locator("#access")
    expect(panel).to_contain_text("Jump host")
    expect(panel).to_contain_text("For L2 and above.")
    expect(panel.get_by_role("button", name="Reveal Jump host")).to_have_count(0)

    engineer = open_page()
    sign_in(engineer, live_desk.l2)
    engineer.goto(f"/tickets/{ticket.number}")
    panel = engineer.locator("#access")
    expect(panel).not_to_contain_text("Pelican")
    panel.get_by_role("button", name="Reveal Jump host").click()
    expect(panel.locator(".access-secret")).to_have_text(SECRET)
    expect(panel).to_contain_text(f"Revealed for {ticket.number}; this reveal is in the audit log")
    engineer.reload()
    expect(engineer.locator("#access")).to_contain_text("Jump host")
    expect(engineer.locator("#access")).not_to_contain_text("Pelican")
