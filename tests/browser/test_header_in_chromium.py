"""The workspace header in a real browser: one row at 1280 px for an admin (who sees the most
links), the less-used pages in a "More" menu that the keyboard opens and Escape closes, the
account in its own menu; on a phone the header still folds behind "Menu"."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, LiveDesk, sign_in
from tests.web.conftest import agent_with_password
from tierdesk.domain.people import Agent, Role

NewPage = Callable[[], Page]

# The top of every item in the header's row: one row means they all sit on one line.
ROW_TOPS = """() => Array.from(document.querySelectorAll(
  'header.top .brand, header.top nav > *, header.top .who > *'
)).map(e => e.getBoundingClientRect().top)"""


def an_admin(live_desk: LiveDesk) -> Agent:
    return agent_with_password(live_desk.app, [1, 2, 3], Role.ADMIN, name="Ingrid Solberg")


def test_at_1280_px_an_admins_header_is_one_row(live_desk: LiveDesk, open_page: NewPage) -> None:
    page = open_page()  # 1280 × 900
    sign_in(page, an_admin(live_desk))
    # the bell is swapped in after the page (with its count, if any): measure after it
    expect(page.locator('#bell[hx-trigger="live-notification from:body"]')).to_have_count(1)

    tops = page.evaluate(ROW_TOPS)
    header = page.locator("header.top").bounding_box()
    search = page.locator("#top-q").bounding_box()

    assert len(tops) >= 9
    assert max(tops) - min(tops) < 12, tops
    assert header is not None and search is not None
    # one row: the header is its tallest item (the search box) and its padding, no more
    assert header["height"] < search["height"] + 36, header
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_more_menu_opens_with_the_keyboard_and_closes_with_escape(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    page = open_page()
    sign_in(page, an_admin(live_desk))
    rmas = page.get_by_role("link", name="RMAs")
    expect(rmas).to_be_hidden()

    page.locator("details.more > summary").focus()
    page.keyboard.press("Enter")
    expect(rmas).to_be_visible()
    page.keyboard.press("Escape")
    expect(rmas).to_be_hidden()
    expect(page.locator("details.more > summary")).to_be_focused()

    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the first link of the menu
    expect(page.get_by_role("link", name="Articles")).to_be_focused()
    page.locator("h1").first.click()  # a click elsewhere closes it
    expect(rmas).to_be_hidden()

    page.locator("details.account > summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin**")


def test_on_a_phone_the_menu_still_opens_with_more_inside_it(
    live_desk: LiveDesk, phone: NewPage
) -> None:
    page = phone()
    sign_in(page, an_admin(live_desk))
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Admin")).to_be_hidden()

    menu.click()
    expect(page.get_by_role("link", name="Admin")).to_be_visible()
    page.locator("details.more > summary").click()
    expect(page.get_by_role("link", name="RMAs")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
