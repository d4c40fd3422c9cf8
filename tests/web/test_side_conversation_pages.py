"""A side conversation turned into a public reply: the drafted reply opens in the ticket's
language (found walking the demo: a German customer's draft began in English)."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import make_contact
from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.side_conversations import SideChannel
from tierdesk.services import side_conversations as sides
from tierdesk.services import tickets


def test_the_drafted_public_reply_opens_in_the_ticket_s_language(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    desk = web.app.desk
    contact = make_contact(desk, organisation=web.acme)
    new = tickets.NewTicket(
        subject="Anrufe brechen ab", body_text="Seit dem Update brechen Anrufe ab.", language="de"
    )
    number = tickets.open_ticket(desk, contact, new).number or ""
    question = sides.NewSideConversation(
        subject="Trunk drops",
        message="Known?",
        channel=SideChannel.INTERNAL,
        agent_ids=[web.l1.id or 0],
    )
    side = sides.start_side_conversation(desk, web.lead, number, question)
    sides.reply_in_side_conversation(
        desk, web.l1, number, side.id or 0, "It is a known defect. Upgrading to 4.2.2 fixes it."
    )

    page = signed_in(web.lead).get(f"/tickets/{number}/side-conversations/{side.id}/public-reply")

    assert page.status_code == 200
    assert "Ein Zwischenstand zu diesem Ticket" in page.text
    assert "An update on this ticket" not in page.text
    assert "4.2.2" in page.text
