"""The one-line notice a workspace page shows after a form ("Agent Nia New added"): only what
this session's own redirect said, once — never text a crafted link carries."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact

SignIn = Callable[[Agent | Contact], Browser]
BAIT = "Your password expired: call +1 555 0100 and read it out"


def test_a_link_carrying_its_own_notice_shows_nothing_in_the_workspace(
    web: WebDesk, signed_in: SignIn
) -> None:
    browser = signed_in(web.lead)

    page = browser.get("/admin", params={"notice": BAIT}).text

    assert "Your password expired" not in page


def test_a_notice_a_form_said_is_shown_once_after_its_redirect(
    web: WebDesk, signed_in: SignIn
) -> None:
    browser = signed_in(web.lead)
    browser.get("/admin")  # the form's security token
    response = browser.post(
        "/admin/agents",
        {
            "email": "nia.new@kestrel.example",
            "name": "Nia New",
            "role": "agent",
            "tiers": ["1"],
            "capacity": "12",
            "password": "plum tree at noon",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    target = response.headers["location"]

    first = browser.get(target).text
    again = browser.get(target).text

    assert 'class="notice"' in first and "Agent Nia New added" in first
    assert "Agent Nia New added" not in again
