"""The queue's bulk actions with nothing ticked say so in the words of the page (found walking
the demo: "Please fill in ticket." beside Apply)."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def test_a_bulk_action_with_nothing_ticked_asks_to_tick_tickets_first(
    web: WebDesk, signed_in: SignIn
) -> None:
    lead = signed_in(web.lead)
    lead.get("/queue")

    assign = lead.post("/queue/assign", {"assignee": "me"}, headers=HTMX)
    link = lead.post("/queue/link-incident", {"incident": "1"}, headers=HTMX)

    for refused in (assign, link):
        assert refused.status_code == 422
        assert refused.text == "tick one or more tickets first"
        assert "X-Desk-Fields" not in refused.headers  # said at the top of the form
