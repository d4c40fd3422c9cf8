"""In a real browser: customers type questions the knowledge base does not answer into the
portal's new-ticket form; the lead then finds them as one topic on the knowledge gaps page,
counted, with a link to write the article."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tierdesk.domain.people import Contact

NewPage = Callable[[], Page]


def _ask_in_the_portal(page: Page, who: Contact, subject: str, body: str) -> None:
    sign_in(page, who)
    page.goto("/portal/tickets/new")
    page.get_by_label("Subject").fill(subject)
    page.locator("#body").fill(body)
    expect(page.locator("#suggestions")).to_contain_text("No suggestions yet")


def test_the_gaps_view_lists_a_topic_seeded_with_unanswered_searches(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    _ask_in_the_portal(
        open_page(), live_desk.customer, "Fax machine paper jam", "The fax tray jams."
    )
    _ask_in_the_portal(
        open_page(), live_desk.stranger, "Paper jam in the fax machine", "Every fax jams."
    )

    page = open_page()
    sign_in(page, live_desk.lead)
    page.locator("details.more > summary").click()  # the header's "More" menu
    page.get_by_role("link", name="Knowledge gaps").click()

    topic = page.locator(".gap-topic").filter(has_text="paper jam")
    expect(topic).to_have_count(1)
    expect(topic.locator(".count")).to_have_text("2")
    link = topic.get_by_role("link", name="Write an article")
    expect(link).to_have_attribute("href", "/kb/articles/new?title=Paper+jam+in+the+fax+machine")


def test_a_long_log_pasted_into_the_description_still_gets_suggestions_and_no_error(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    page = open_page()
    sign_in(page, live_desk.customer)
    page.goto("/portal/tickets/new")
    page.get_by_label("Subject").fill("Fax machine paper jam")
    expect(page.locator("#suggestions")).to_contain_text("No suggestions yet")
    log = "".join(
        f"2026-12-07 03:{n % 60:02d}:00 fax[42]: tray 2 jammed, page {n}\n" for n in range(2000)
    )

    # A minute: a 100 KB form is sent and searched while other tests load the machine.
    with page.expect_response(lambda r: "/portal/suggest" in r.url, timeout=60_000) as answered:
        page.locator("#body").fill(f"The fax tray jams on every page.\n{log}")

    assert answered.value.status == 200  # a query string this long was refused by the server
    expect(page.locator("#suggestions")).to_contain_text("No suggestions yet")
    expect(page.get_by_text("Invalid HTTP request")).to_have_count(0)
