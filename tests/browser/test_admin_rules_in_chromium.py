"""The automation-rule builder in a real browser: a lead builds an event rule with two
conditions (a row added with "Add a condition"), a bad value is shown beside its row with what
was typed kept, and the saved rule then acts on a new ticket."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]


def test_a_lead_builds_a_rule_with_two_conditions_that_then_tags_a_new_ticket(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    page = open_page()
    sign_in(page, live_desk.lead)
    page.goto("/admin#rules")
    page.get_by_role("link", name="Add an event rule").click()

    page.locator("#rule-name").fill("Urgent VIP")
    page.locator("#rule-events").fill("ticket.opened")
    page.locator("#c-field-0").select_option("priority")
    page.locator("#c-op-0").select_option("in")
    page.locator("#c-value-0").fill("P1, P9")
    page.get_by_role("button", name="Add a condition").click()
    page.locator("#c-field-1").select_option("tags")
    page.locator("#c-op-1").select_option("contains")
    page.locator("#c-value-1").fill("vip")
    page.locator("#a-type-0").select_option("add_tag")
    page.locator("#a-value-0").fill("hot")
    page.get_by_role("button", name="Add rule").click()

    expect(page.locator("#err-c_value-0")).to_contain_text("priority in needs one of P1")
    expect(page.locator("#c-value-0")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#c-value-1")).to_have_value("vip")

    page.locator("#c-value-0").fill("P1, P2")
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_role("status").first).to_have_text("Rule added")

    ticket = tickets.open_ticket(
        desk,
        live_desk.customer,
        tickets.NewTicket(subject="Down", body_text="Calls drop.", priority="P1", tags=["vip"]),
    )
    calm = tickets.open_ticket(
        desk,
        live_desk.customer,
        tickets.NewTicket(subject="Question", body_text="How?", priority="P1"),
    )
    assert "hot" in tickets.get_ticket(desk, SYSTEM, ticket.number or "").tags
    assert "hot" not in tickets.get_ticket(desk, SYSTEM, calm.number or "").tags
