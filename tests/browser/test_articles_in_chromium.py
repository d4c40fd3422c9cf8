"""In a real browser: an L1 agent drafts a KB article from a ticket solved at L2 (found on the KB
page), a lead publishes it, and a customer writing a new ticket is offered it in the portal,
reads it and says it helped."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.factories import full_packet
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Tier
from tierdesk.services import articles, conversation, escalation, tickets
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]
ANSWER = "1. Open the trunk settings.\n2. Set the SIP session timer to 1800 seconds.\n3. Save."


def test_an_article_drafted_from_a_ticket_is_published_and_found_by_a_customer_in_the_portal(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    old = tickets.open_ticket(
        desk,
        live_desk.stranger,
        tickets.NewTicket(
            subject="SIP trunk calls drop after exactly 15 minutes",
            body_text="Every call over the SIP trunk drops after exactly 15 minutes.",
        ),
    )
    number = old.number or ""
    escalation.escalate_ticket(desk, SYSTEM, number, Tier.L2, "needs a trace", full_packet())
    escalation.accept_escalation(desk, SYSTEM, number, live_desk.l2.id)
    conversation.add_message(
        desk, live_desk.l2, number, MessageKind.INTERNAL_NOTE, text="Jo at the carrier: 0199."
    )
    tickets.solve_ticket(desk, live_desk.l2, number, "Carrier refreshes at 1800 s.", ANSWER)

    # An L1 agent finds how it was solved and writes it down.
    agent = open_page()
    sign_in(agent, live_desk.l1)
    agent.goto("/kb?q=SIP trunk calls drop after 15 minutes")
    agent.get_by_role("link", name="Write an article from these tickets").click()
    expect(agent.get_by_label("Answer (what customers read)")).to_have_value(ANSWER)
    expect(agent.locator("main")).not_to_contain_text("Jo at the carrier")
    agent.get_by_label("Title").fill("SIP trunk calls drop after 15 minutes")
    agent.get_by_label("Public: customers may read it once published").check()
    agent.get_by_role("button", name="Save draft").click()
    expect(agent.get_by_role("status")).to_have_text("Draft saved")
    expect(agent.get_by_role("button", name="Publish")).to_have_count(0)  # leads publish
    article_url = agent.url.split("?")[0]
    article_id = int(article_url.rsplit("/", 1)[1])

    # A lead publishes it.
    lead = open_page()
    sign_in(lead, live_desk.lead)
    lead.goto(article_url)
    lead.get_by_role("button", name="Publish").click()
    expect(lead.get_by_role("status")).to_have_text("Published version 1")

    # A customer writing a new ticket is offered it, reads it and says it helped.
    customer = open_page()
    sign_in(customer, live_desk.customer)
    customer.goto("/portal/tickets/new")
    customer.locator("#subject").fill("Our SIP trunk calls drop")
    customer.locator("#body").fill("Every call drops after 15 minutes. Session timer?")
    suggestion = customer.locator(".suggestion").filter(
        has_text="SIP trunk calls drop after 15 minutes"
    )
    expect(suggestion).to_be_visible()
    with customer.expect_popup() as opened:
        suggestion.get_by_role("link", name="Read the article").click()
    reading = opened.value
    expect(reading.get_by_role("heading", level=1)).to_have_text(
        "SIP trunk calls drop after 15 minutes"
    )
    expect(reading.locator("ol")).to_contain_text("Set the SIP session timer to 1800 seconds.")
    expect(reading.locator("main")).not_to_contain_text("Carrier refreshes")
    reading.get_by_role("button", name="Yes").click()
    expect(reading.get_by_role("status")).to_have_text("Thank you for your feedback")

    counts = articles.get_article(desk, live_desk.lead, article_id).feedback
    assert counts.customers_helped == 1


def test_on_a_phone_the_article_list_fits_the_screen(live_desk: LiveDesk, phone: NewPage) -> None:
    """The list's five columns scroll inside their box on a phone; the page does not scroll
    sideways (a long title made it 427 px wide at 390)."""
    content = articles.ArticleContent(
        title="Calls over the SIP trunk drop after exactly fifteen minutes on every site",
        problem="Every call over the SIP trunk drops after exactly 15 minutes.",
    )
    articles.create_article(live_desk.app.desk, live_desk.l1, content)
    page = phone()
    sign_in(page, live_desk.lead)

    page.goto("/articles")

    expect(page.get_by_role("link", name="Calls over the SIP trunk")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_typing_a_new_portal_ticket_logs_no_error_in_the_browser(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    """The form disables its submit button while it is sent (hx-disabled-elt); the subject and
    problem fields, which fetch suggestions as the customer types, must not inherit that
    selector (resolved from a field it finds nothing: a console error at every pause)."""
    page = open_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_desk.customer)
    page.goto("/portal/tickets/new")

    with page.expect_response(lambda r: "/portal/suggest" in r.url):
        page.get_by_label("Subject").fill("Calls drop after 15 minutes")

    page.wait_for_timeout(300)  # the swap and its settling
    assert errors == []


# The words of each text node under ``cell`` that the browser split over two lines (a break
# after a hyphen, as in a date, is a line break like a space).
_BROKEN_WORDS = """cell => {
  const broken = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const found of node.textContent.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(node, found.index);
      range.setEnd(node, found.index + found[0].length);
      if (range.getClientRects().length > 1) broken.push(found[0]);
    }
  }
  return broken;
}"""


def test_on_a_phone_the_article_list_breaks_no_word(live_desk: LiveDesk, phone: NewPage) -> None:
    """Found at 390 px on the demo's lists (articles, RMAs, reports): a cell's words broke
    anywhere, "publis|hed", a title a syllable a line; a word stays whole and the table
    scrolls in its box instead."""
    content = articles.ArticleContent(
        title="Provisioning unreachable after the certificate rotation",
        problem="New phones cannot reach the provisioning server.",
        answer="Install the intermediate certificate on the load balancer.",
    )
    article = articles.create_article(live_desk.app.desk, live_desk.l1, content)
    assert article.id is not None
    articles.publish_article(live_desk.app.desk, live_desk.lead, article.id)
    page = phone()
    sign_in(page, live_desk.lead)

    page.goto("/articles")

    row = page.locator("main tbody tr", has_text="Provisioning unreachable")
    expect(row).to_contain_text("published")
    for cell in row.locator("td").all():
        assert cell.evaluate(_BROKEN_WORDS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
