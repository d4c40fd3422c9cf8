"""An L1 agent reads, in the assist panel and in search, how a ticket was solved at L2 (the
level shown, the solution inline), without the L2 notes and without a link they cannot open."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import full_packet
from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.services import conversation, escalation, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]

NOTE = "Wireshark pcap from the lab: ask Jo at the carrier, direct line 0171 555 0199."
REPLY = "Set the SIP session timer on the trunk to 1800 seconds and the calls stay up."
RESOLUTION = "Carrier refreshes sessions at 1800 s; our default 900 s made it drop the call."


def solved_at_l2_and_asked_again(web: WebDesk) -> tuple[Ticket, Ticket]:
    desk = web.app.desk
    solved = tickets.open_ticket(
        desk,
        web.acme_contact,
        tickets.NewTicket(
            subject="SIP trunk calls drop after exactly 15 minutes",
            body_text="Every call over the SIP trunk drops after exactly 15 minutes.",
        ),
    )
    number = solved.number or ""
    escalation.escalate_ticket(desk, SYSTEM, number, Tier.L2, "needs a trace", full_packet())
    escalation.accept_escalation(desk, SYSTEM, number, web.l2.id)
    conversation.add_message(desk, web.l2, number, MessageKind.INTERNAL_NOTE, text=NOTE)
    conversation.add_message(desk, web.l2, number, MessageKind.PUBLIC_REPLY, text=REPLY)
    tickets.solve_ticket(desk, web.l2, number, RESOLUTION)
    new = tickets.open_ticket(
        desk,
        web.globex_contact,
        tickets.NewTicket(
            subject="Calls on the SIP trunk drop after 15 minutes",
            body_text="Our SIP trunk calls drop after 15 minutes, every time.",
        ),
    )
    return solved, new


def test_an_l1_agent_sees_an_l2_solution_in_the_assist_panel_with_its_level(
    web: WebDesk, signed_in: SignIn
) -> None:
    solved, new = solved_at_l2_and_asked_again(web)
    browser = signed_in(web.l1)

    panel = browser.get(f"/tickets/{new.number}/assist").text
    opened = browser.get(f"/tickets/{solved.number}")

    assert solved.number in panel and "solved at L2" in panel
    assert RESOLUTION in panel and REPLY in panel  # the solution, inline
    assert f'href="/tickets/{solved.number}"' not in panel  # no link they cannot open
    assert "Jo at the carrier" not in panel
    assert opened.status_code == 404


def test_an_l1_agent_finds_an_l2_solution_in_search_without_its_notes(
    web: WebDesk, signed_in: SignIn
) -> None:
    solved, _ = solved_at_l2_and_asked_again(web)
    browser = signed_in(web.l1)

    page = browser.get("/search?q=SIP+session+timer+trunk").text

    assert solved.number in page and "solved at L2" in page and RESOLUTION in page
    assert f'href="/tickets/{solved.number}"' not in page
    assert "Jo at the carrier" not in page


def test_the_l2_agent_who_may_open_it_gets_the_link(web: WebDesk, signed_in: SignIn) -> None:
    solved, new = solved_at_l2_and_asked_again(web)
    browser = signed_in(web.lead)

    panel = browser.get(f"/tickets/{new.number}/assist").text

    assert f'href="/tickets/{solved.number}"' in panel and "solved at L2" in panel


def test_an_l1_agent_finds_an_l2_solution_on_the_knowledge_base_page(
    web: WebDesk, signed_in: SignIn
) -> None:
    solved, _ = solved_at_l2_and_asked_again(web)
    browser = signed_in(web.l1)

    page = browser.get("/kb?q=SIP+trunk+calls+drop").text

    assert "How it was solved before" in page
    assert solved.number in page and "solved at L2" in page and RESOLUTION in page
    assert "Jo at the carrier" not in page
