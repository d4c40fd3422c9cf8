"""In a real browser: an L1 agent reads, in the assist panel, how a ticket was solved at L2,
with the level shown and no link to a ticket they cannot open."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveDesk, sign_in
from tests.factories import full_packet
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Tier
from tierdesk.services import conversation, escalation, tickets
from tierdesk.services.auth import SYSTEM

NewPage = Callable[[], Page]


def test_an_l1_agent_sees_an_l2_solution_in_the_assist_panel(
    live_desk: LiveDesk, open_page: NewPage
) -> None:
    desk = live_desk.app.desk
    old = tickets.open_ticket(
        desk,
        live_desk.customer,
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
    tickets.solve_ticket(desk, live_desk.l2, number, "Session timer set to 1800 s on the trunk.")
    new = tickets.open_ticket(
        desk,
        live_desk.l1,
        tickets.NewTicket(
            subject="Calls on the SIP trunk drop after 15 minutes",
            body_text="Our SIP trunk calls drop after 15 minutes, every time.",
            requester_id=live_desk.stranger.id,
            queue="l1-all",
        ),
    )

    page = open_page()
    sign_in(page, live_desk.l1)
    page.goto(f"/tickets/{new.number}")

    similar = page.locator(".similar-hit").filter(has_text=number)
    expect(similar).to_contain_text("solved at L2")
    expect(similar).to_contain_text("Session timer set to 1800 s on the trunk.")
    expect(similar).not_to_contain_text("Jo at the carrier")
    expect(similar.locator(f'a[href="/tickets/{number}"]')).to_have_count(0)
