"""Forms in a real browser: the README walk-through's escalation, where a refused packet keeps
what was typed and says what is missing beside the field; the portal's "This solved my problem"
while the description is still empty."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.browser.test_in_chromium import customer_ticket
from tierdesk.services import knowledge, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.deflection import deflections_since

NewPage = Callable[[], Page]


def test_the_readme_escalation_refused_for_a_missing_part_keeps_what_was_typed(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    """README: add a public reply and an internal note, then Escalate… to L2: the packet comes
    pre-filled from the thread; give a reason and send it."""
    ticket = customer_ticket(
        live_desk,
        "How to factory reset a KP-200 without the admin password?",
        "Nobody knows the admin password of our KP-200 phones. How do we reset them?",
    )
    number = ticket.number or ""
    page = open_page()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{number}")
    page.get_by_label("Text").fill("Hold Mute and 0 while you plug the phone in. Does it reset?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Reply sent")
    page.get_by_label("Internal note (agents only)").check()
    page.get_by_label("Text").fill("Customer runs 3.8.2; provisioning may lock the keypad reset.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Internal note added")

    page.get_by_role("button", name="Escalate…").click()
    steps = page.get_by_label("Steps tried, one a line: step => result")
    expect(steps).to_have_value(re.compile("Hold Mute and 0 while you plug the phone in"))
    expect(steps).to_have_attribute("required", "")  # L2 requires it, and says so
    hypotheses = page.get_by_label("Hypotheses, one a line")
    level = page.get_by_label("To level")
    level.select_option("3")  # L3 also requires hypotheses
    expect(hypotheses).to_have_attribute("required", "")
    level.select_option("2")
    expect(hypotheses).not_to_have_attribute("required", "")

    page.get_by_label("Reason").fill("provisioning may lock the reset")
    steps.fill("   ")  # blank to the desk, though the browser sees text
    before = page.url
    page.get_by_role("button", name="Escalate with this packet").click()

    error = page.locator("#steps_tried + .form-error")
    expect(error).to_contain_text("steps tried")
    expect(steps).to_have_attribute("aria-invalid", "true")
    expect(steps).to_be_focused()
    expect(page.get_by_label("Reason")).to_have_value("provisioning may lock the reset")
    assert page.url == before  # still the same page, nothing lost

    steps.fill("Hold Mute and 0 at power-on => the phone boots as usual")
    page.get_by_role("button", name="Escalate with this packet").click()
    expect(page.get_by_role("status")).to_have_text("Escalated to L2")
    assert tickets.get_ticket(live_desk.app.desk, SYSTEM, number).tier == 2


def test_this_solved_my_problem_works_while_the_description_is_empty(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    manual = b"# DeskPhone guide\n\n## Factory reset\n\nHold Mute and 0 while reconnecting power.\n"
    parsed = live_desk.app.read_document(manual, "deskphone.md")
    knowledge.add_article(live_desk.app.desk, SYSTEM, parsed, "deskphone.md")
    page = open_page()
    sign_in(page, live_desk.customer)
    page.get_by_role("link", name="New ticket", exact=True).click()
    page.get_by_label("Subject").press_sequentially("How do I factory reset my phone", delay=20)

    suggestion = page.locator(".suggestion").first
    expect(suggestion).to_contain_text("Factory reset")
    expect(page.get_by_label("What happened?")).to_have_value("")
    suggestion.get_by_role("button", name="This solved my problem").click()

    expect(page.get_by_role("status")).to_contain_text("No ticket was opened")
    since = live_desk.app.desk.clock.now().replace(year=2000)
    assert len(deflections_since(live_desk.app.desk, since)) == 1
