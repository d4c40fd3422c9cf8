"""The ticket page tells each hand-off packet revision as it really is: one replaced by an
amendment before anyone decided reads superseded, the one that was bounced reads bounced."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.factories import full_packet
from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.services import escalation, tickets

SignIn = Callable[[Agent | Contact], Browser]


def test_the_ticket_page_shows_the_amended_revision_superseded_and_the_bounced_one_bounced(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    ticket = open_at_l1(web, "One-way audio since upgrade")
    number = ticket.number or ""
    tickets.assign_ticket(desk, web.lead, number, web.l1.id)
    escalation.escalate_ticket(desk, web.l1, number, Tier.L2, "needs L2", full_packet())
    escalation.amend_packet(desk, web.l1, number, 1, full_packet("Also swapped the cable."))
    escalation.bounce_escalation(desk, web.l2, number, "Disable SIP ALG first.", "documented")

    page = signed_in(web.l2).get(f"/tickets/{number}").text

    headings = re.findall(r"<h3>#(\d+) rev (\d+): [^<]*· ([a-z-]+)</h3>", page)
    assert headings == [("1", "1", "superseded"), ("1", "2", "bounced")]
