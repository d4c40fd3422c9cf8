"""What a ticket's level decides about it, on the ticket page (the API's de-escalate,
more-information and solvable-lower): an L2 engineer notes that L1 could have solved an
escalation, asks the customer for a checklist of what is missing, then hands the ticket back
down with guidance; a refusal is said beside its field."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import full_packet
from tests.web.conftest import Browser, WebDesk, agent_with_password
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.ticket_values import Status
from tierdesk.services import escalation, tickets

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def test_l2_notes_solvable_lower_asks_for_a_checklist_and_hands_the_ticket_back(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    number = open_at_l1(web, "Calls drop after 32 seconds").number or ""
    escalation.escalate_ticket(desk, web.l1, number, Tier.L2, "no idea", full_packet())
    escalation.accept_escalation(desk, web.l2, number)
    l2 = signed_in(web.l2)

    page = l2.get(f"/tickets/{number}").text
    assert "Hand back down…" in page and "Solvable lower…" in page
    assert "Need more information…" not in page  # level 3's decision

    noted = l2.post(f"/tickets/{number}/solvable-lower", {"reason": "The KB answers it."})
    assert "Noted: a lower level could have solved it" in noted.text
    blank = l2.post(f"/tickets/{number}/more-information", {"items": " \n "}, headers=HTMX)
    assert blank.status_code == 422 and blank.headers["X-Desk-Fields"] == "items"
    asked = l2.post(
        f"/tickets/{number}/more-information",
        {"items": "Firmware version\n\nA packet capture of one call", "note": "To rule out NAT:"},
    )
    assert "Checklist sent" in asked.text
    waiting = tickets.get_ticket(desk, web.lead, number)
    assert waiting.status is Status.PENDING_CUSTOMER
    sent = [m for m in waiting.messages if m.kind is MessageKind.PUBLIC_REPLY][-1]
    assert "Firmware version" in sent.body_text and "A packet capture of one call" in sent.body_text
    assert sent.channel is Channel.WEB  # it said "via api"

    no_reason = l2.post(
        f"/tickets/{number}/hand-back",
        {"to_level": "1", "reason": "", "guidance": "Follow KB-3."},
        headers=HTMX,
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.headers["X-Desk-Fields"]
    no_guidance = l2.post(
        f"/tickets/{number}/hand-back",
        {"to_level": "1", "reason": "a how-to", "guidance": "   "},
        headers=HTMX,
    )
    assert no_guidance.status_code == 422 and no_guidance.headers["X-Desk-Fields"] == "guidance"
    assert "guidance cannot be empty" in no_guidance.text  # it named "handoff_note"
    handed = l2.post(
        f"/tickets/{number}/hand-back",
        {"to_level": "1", "reason": "a how-to", "guidance": "Follow KB-3, section 2."},
    )
    assert "Handed back to L1" in handed.text
    assert tickets.get_ticket(desk, web.lead, number).tier is Tier.L1


def test_level_3_is_offered_the_checklist(web: WebDesk, signed_in: SignIn) -> None:
    desk = web.app.desk
    l3 = agent_with_password(web.app, tiers=[3])
    number = open_at_l1(web, "Registration storms").number or ""
    escalation.escalate_ticket(desk, web.lead, number, Tier.L3, "needs the lab", full_packet())
    escalation.accept_escalation(desk, l3, number)

    page = signed_in(l3).get(f"/tickets/{number}").text

    assert "Need more information…" in page and 'id="more-info-dialog"' in page
    assert '<option value="2">L2' in page and '<option value="0">L0' in page


def test_the_escalating_agent_amends_a_waiting_packet_and_the_level_decides_on_the_new_one(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    number = open_at_l1(web, "One-way audio").number or ""
    escalation.escalate_ticket(desk, web.l1, number, Tier.L2, "needs L2", full_packet())
    l1 = signed_in(web.l1)
    page = l1.get(f"/tickets/{number}").text
    assert f'hx-get="/tickets/{number}/packets/1/amend"' in page

    form = l1.get(f"/tickets/{number}/packets/1/amend").text
    assert 'action="/tickets/' + number + '/packets/1/amend"' in form and "Store revision 2" in form
    missing = l1.post(
        f"/tickets/{number}/packets/1/amend",
        {"symptoms": "", "environment": "SBC 6.0.0", "steps_tried": "Rebooted => no change"},
        headers=HTMX,
    )
    amended = l1.post(
        f"/tickets/{number}/packets/1/amend",
        {
            "symptoms": "Callers hear nothing after 30 s",
            "environment": "SBC 6.0.0, two-node cluster",
            "steps_tried": "Rebooted the relay => no change",
        },
    )

    assert missing.status_code == 422 and "symptoms" in missing.headers["X-Desk-Fields"]
    assert "Packet 1 amended: revision 2" in amended.text
    revisions = escalation.list_packets(desk, web.lead, number)
    assert [(p.revision, str(p.status)) for p in revisions] == [
        (1, "superseded"),
        (2, "awaiting-acceptance"),
    ]
    assert revisions[-1].content.symptoms == "Callers hear nothing after 30 s"
    assert l1.get(f"/tickets/{number}/packets/9/amend").status_code == 404
