"""The routing tab in a real browser: a lead adds a routing rule (a bad condition is shown next
to its field, what was typed stays), then tests it on a ticket and reads where it would route,
in place, with the ticket left where it was."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.domain.people import Tier
from tierdesk.services import queues, tickets
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]


def test_a_lead_adds_a_routing_rule_and_tests_it_on_a_ticket(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    queues.create_queue(desk, SYSTEM, queues.NewQueue("l1-de", "German L1", Tier.L1))
    ticket = tickets.open_ticket(
        desk,
        live_desk.l1,
        tickets.NewTicket(
            subject="Kein Ton bei Anrufen",
            body_text="Anrufer hören nichts.",
            requester_id=live_desk.customer.id,
            queue="l1-all",
            language="de",
        ),
    )
    page = open_page()
    sign_in(page, live_desk.lead)
    page.goto("/admin#routing")

    page.locator("#nr-name").fill("German speakers")
    page.locator("#nr-queue").select_option("l1-de")
    page.locator("#nr-languages").fill("de")
    priorities = page.locator("#nr-priorities")
    priorities.fill("P9")
    page.get_by_role("button", name="Add routing rule").click()

    expect(page.locator("#nr-priorities + .form-error")).to_contain_text("unknown priority 'P9'")
    expect(priorities).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#nr-name")).to_have_value("German speakers")

    priorities.fill("")
    page.get_by_role("button", name="Add routing rule").click()
    expect(page.get_by_role("status").first).to_have_text("Routing rule added")
    [rule] = queues.list_routing_rules(desk, live_desk.lead)

    before = page.url
    page.get_by_label("Test this rule on a ticket").fill(ticket.number or "")
    page.get_by_role("button", name="Test German speakers on the ticket").click()

    result = page.locator(f"#trial-{rule.id}")
    expect(result).to_contain_text("the rule matches and would send it to German L1")
    expect(result).to_contain_text("language de")
    assert page.url == before  # shown in place, under the rule
    assert tickets.get_ticket(desk, SYSTEM, ticket.number or "").queue == "l1-all"
