"""The notifications page and the header's bell tell the same unread count, also when there are
more notifications than the page lists (the demo's L2 agent: bell 270, page "100 unread")."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.pages.notifications import SHOWN
from tierdesk.services.notifications import notify_agents

SignIn = Callable[[Agent | Contact], Browser]


def test_the_page_counts_every_unread_notification_not_only_those_it_lists(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    with desk.uow() as uow:
        for n in range(SHOWN + 5):
            notify_agents(uow, [web.l2.id], kind="mention", text=f"note {n}", at=desk.clock.now())
        uow.commit()
    browser = signed_in(web.l2)

    page = browser.get("/notifications").text
    bell = browser.get("/notifications/bell").text

    assert f"{SHOWN + 5} unread" in page
    assert str(SHOWN + 5) in bell
