"""The agent workspace, driven through its pages: queue order and filters, the ticket page,
escalation with the pre-filled packet, acceptance, bounce-back, solving, bulk work."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.ticket_values import Status
from tierdesk.domain.tickets import Priority, Ticket
from tierdesk.services import queues, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message

SignIn = Callable[[Agent | Contact], Browser]


def open_at_l1(web: WebDesk, subject: str, body: str = "Callers hear nothing.") -> Ticket:
    """A customer's ticket, put into an L1 queue by hand (no routing rules in these tests)."""
    desk = web.app.desk
    if not any(q.key == "l1-all" for q in queues.list_queues(desk, SYSTEM)):
        queues.create_queue(desk, SYSTEM, queues.NewQueue(key="l1-all", name="L1", tier=Tier.L1))
    return tickets.open_ticket(
        desk,
        web.l1,
        tickets.NewTicket(
            subject=subject,
            body_text=body,
            requester_id=web.acme_contact.id,
            queue="l1-all",
        ),
    )


def test_the_queue_lists_the_most_urgent_sla_clock_first_with_a_live_countdown(
    web: WebDesk, signed_in: SignIn
) -> None:
    relaxed = open_at_l1(web, "Relaxed question")
    urgent = open_at_l1(web, "Everything is down")
    tickets.change_priority(web.app.desk, web.lead, urgent.number or "", Priority.P1)

    page = signed_in(web.l1).get("/queue?tier=1").text

    assert page.index(urgent.number or "") < page.index(relaxed.number or "")
    assert re.search(r'data-due="\d{4}-\d\d-\d\dT', page)


def test_a_ticket_waiting_on_the_customer_says_so_instead_of_a_countdown(
    web: WebDesk, signed_in: SignIn
) -> None:
    waiting = open_at_l1(web, "Need your trace first")
    tickets.assign_ticket(web.app.desk, web.lead, waiting.number or "", web.l1.id)
    tickets.change_status(
        web.app.desk, web.l1, waiting.number or "", Status.PENDING_CUSTOMER, "need a trace"
    )

    page = signed_in(web.l1).get("/queue?tier=1").text
    row = page[page.index(waiting.number or "") :].split("</tr>")[0]

    assert "waiting on the customer" in row and "data-due" not in row


def test_queue_filters_narrow_the_list(web: WebDesk, signed_in: SignIn) -> None:
    first = open_at_l1(web, "Phones reboot")
    second = open_at_l1(web, "Fax fails")
    tickets.change_priority(web.app.desk, web.lead, second.number or "", Priority.P2)
    browser = signed_in(web.l1)

    page = browser.get("/queue?tier=1&priority=P2").text
    assert second.number in page and first.number not in page

    page = browser.get("/queue?tier=1&q=reboot").text
    assert first.number in page and second.number not in page


def test_an_unknown_filter_value_is_a_clear_error(web: WebDesk, signed_in: SignIn) -> None:
    response = signed_in(web.l1).get("/queue?priority=P9")
    assert response.status_code == 422
    assert "unknown priority" in response.text


def test_the_ticket_page_shows_the_thread_kinds_apart_with_trail_and_deadlines(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "One-way audio")
    browser = signed_in(web.l1)
    browser.get(f"/tickets/{ticket.number}")

    browser.post(f"/tickets/{ticket.number}/messages", {"kind": "public", "body": "Which version?"})
    response = browser.post(
        f"/tickets/{ticket.number}/messages", {"kind": "internal", "body": "Looks like NAT."}
    )

    page = response.text
    assert 'class="message customer"' in page
    assert 'class="message public-reply"' in page and "Which version?" in page
    assert 'class="message internal-note"' in page and "Looks like NAT." in page
    assert "ticket.opened" in page  # the audit trail
    assert "first-response" in page and "resolution" in page  # every SLA clock


def test_escalating_uses_the_drafted_packet_and_l2_accepts_and_solves(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(
        web,
        "One-way audio since upgrade",
        "Since upgrading the SBC to 6.0.0 remote callers hear nothing. We restarted it.",
    )
    number = ticket.number or ""
    l1 = signed_in(web.l1)
    dialog = l1.get(f"/tickets/{number}/escalate").text
    assert "Since upgrading the SBC to 6.0.0" in dialog  # pre-filled from the thread

    response = l1.post(
        f"/tickets/{number}/escalate",
        {
            "to_level": "2",
            "reason": "needs a packet capture",
            "symptoms": "Remote callers hear nothing since the upgrade",
            "environment": "SBC 6.0.0",
            "steps_tried": "restarted the SBC => no change",
        },
    )
    assert response.status_code == 200
    assert "Escalated to L2" in response.text

    l2 = signed_in(web.l2)
    page = l2.get(f"/tickets/{number}").text
    assert "Accept escalation" in page
    assert "restarted the SBC" in page  # the packet is on the ticket

    accepted = l2.post(f"/tickets/{number}/accept")
    assert "the ticket is yours" in accepted.text
    solved = l2.post(f"/tickets/{number}/solve", {"resolution": "Fixed the NAT setting."})
    assert "Solved" in solved.text
    assert tickets.get_ticket(web.app.desk, SYSTEM, number).status == "solved"


def test_an_incomplete_packet_is_refused_with_what_is_missing(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Echo on calls")
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{ticket.number}")
    response = l1.post(
        f"/tickets/{ticket.number}/escalate", {"to_level": "2", "reason": "stuck", "symptoms": ""}
    )
    assert response.status_code == 422
    assert "environment" in response.text


def test_l2_bounces_an_escalation_back_with_guidance(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Calls drop after 32 seconds")
    number = ticket.number or ""
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{number}")
    l1.post(
        f"/tickets/{number}/escalate",
        {
            "to_level": "2",
            "reason": "no idea",
            "symptoms": "drops at 32 s",
            "environment": "SBC 6.0.0",
            "steps_tried": "none",
        },
    )
    l2 = signed_in(web.l2)
    l2.get(f"/tickets/{number}")
    response = l2.post(
        f"/tickets/{number}/bounce",
        {"reason": "known ACK problem", "guidance": "Check the ACK routing in the trunk."},
    )
    assert "Bounced back to L1" in response.text
    page = l1.get(f"/tickets/{number}").text
    assert "Check the ACK routing in the trunk." in page


def test_an_agent_cannot_accept_for_a_level_they_do_not_work(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Directory search broken")
    number = ticket.number or ""
    l1 = signed_in(web.l1)
    l1.get(f"/tickets/{number}")
    l1.post(
        f"/tickets/{number}/escalate",
        {"to_level": "2", "reason": "r", "symptoms": "s", "environment": "e", "steps_tried": "t"},
    )
    l1.get(f"/tickets/{number}")  # still visible: the escalating agent follows it
    response = l1.post(f"/tickets/{number}/accept")
    assert response.status_code == 403


def test_bulk_assign_and_saved_views(web: WebDesk, signed_in: SignIn) -> None:
    first = open_at_l1(web, "Provisioning fails")
    second = open_at_l1(web, "Provisioning slow")
    browser = signed_in(web.l1)
    browser.get("/queue?tier=1")
    response = browser.post(
        "/queue/assign", {"ticket": [first.number, second.number], "assignee": "me"}
    )
    assert "Assigned 2 tickets" in response.text
    assert all(
        tickets.get_ticket(web.app.desk, SYSTEM, t.number or "").assignee_id == web.l1.id
        for t in (first, second)
    )

    saved = browser.post("/views", {"name": "My provisioning", "query": "q=Provisioning&x=1"})
    assert saved.url.query == b"q=Provisioning"
    assert "My provisioning" in browser.get("/queue").text


def test_macros_are_offered_in_the_composer(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Macro please")
    page = signed_in(web.l1).get(f"/tickets/{ticket.number}").text
    assert "Ask for version and logs" in page  # seeded by the migration
    assert 'data-macro-target="composer-body"' in page


def test_leads_manage_macros_and_agents_may_not(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    response = lead.post(
        "/admin/macros", {"name": "Reboot", "kind": "public", "body": "Please reboot."}
    )
    assert "Macro added" in response.text

    agent = signed_in(web.l1)
    assert agent.get("/admin").status_code == 403


@pytest.mark.parametrize("path", ["/dashboard", "/kb", "/admin"])
def test_the_other_workspace_pages_render_for_a_lead(
    web: WebDesk, signed_in: SignIn, path: str
) -> None:
    open_at_l1(web, "Something to count")
    response = signed_in(web.lead).get(path)
    assert response.status_code == 200
    assert "<h1>" in response.text


def test_the_dashboard_draws_charts_as_svg(web: WebDesk, signed_in: SignIn) -> None:
    open_at_l1(web, "Counted")
    page = signed_in(web.lead).get("/dashboard").text
    assert page.count("<svg") >= 5
    assert "First-contact resolution" in page and "Backlog" in page


def test_an_agent_sees_the_dashboard_of_their_backlog_only(web: WebDesk, signed_in: SignIn) -> None:
    page = signed_in(web.l1).get("/dashboard").text
    assert "Backlog" in page and "First-contact resolution" not in page


def test_a_note_added_elsewhere_shows_up_as_internal(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "API note")
    add_message(web.app.desk, web.l1, ticket.number or "", MessageKind.INTERNAL_NOTE, text="n1")
    page = signed_in(web.l1).get(f"/tickets/{ticket.number}").text
    assert "Internal note" in page
