"""The audit trail reads as sentences: "queue: — → intake-en", names instead of ids, the actor
apart from the details; on the ticket page and on /admin/audit."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import full_packet
from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.entrypoints.web.pages.trail import Names, ShownChange, shown_changes
from tierdesk.services import escalation, tickets

SignIn = Callable[[Agent | Contact], Browser]


def test_changes_read_as_before_and_after_with_names() -> None:
    names = Names(agents={6: "Giulia Romano", 7: "Tom Fletcher"})
    shown = shown_changes(
        {"queue": [None, "intake-en"], "assignee_id": [6, 7], "tier": [1, 2], "packet": 2}, names
    )
    assert shown == [
        ShownChange("queue", "intake-en", "—"),
        ShownChange("assignee", "Tom Fletcher", "Giulia Romano"),
        ShownChange("level", "L2", "L1"),
        ShownChange("packet", "2"),
    ]


def test_list_facts_are_not_read_as_changes() -> None:
    shown = shown_changes({"tiers": [1, 2], "languages": ["en", "de"], "notified": [6]})
    assert shown == [
        ShownChange("levels", "L1, L2"),
        ShownChange("languages", "en, de"),
        ShownChange("notified", "agent 6"),
    ]
    assert shown_changes({"tiers": [[1], [1, 2]]}) == [ShownChange("levels", "L1, L2", "L1")]


def test_the_ticket_page_trail_shows_names_and_arrows_not_stored_values(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Calls drop after 32 seconds")
    number = ticket.number or ""
    tickets.assign_ticket(web.app.desk, web.lead, number, web.l1.id)
    escalation.escalate_ticket(web.app.desk, web.l1, number, Tier.L2, "timer", full_packet())

    page = signed_in(web.lead).get(f"/tickets/{number}").text
    start = page.index('id="trail-h"')
    trail = page[start : page.index("</ol>", start)]
    assert "assignee:</span> — → Lena One" in trail
    assert "level:</span> L1 → L2" in trail
    assert '<span class="by">by Lea Lead</span>' in trail
    assert "None" not in trail and "[" not in trail


def test_the_audit_log_page_shows_changes_readably(web: WebDesk, signed_in: SignIn) -> None:
    lead = signed_in(web.lead)
    lead.get("/admin")
    saved = lead.post(
        f"/admin/agents/{web.l1.id}", {"tiers": ["1", "2"], "languages": "en", "capacity": "20"}
    )
    assert saved.status_code == 200, saved.text

    page = lead.get("/admin/audit?action=agent.updated").text
    assert "<strong>levels</strong>: L1 → L1, L2" in page
    assert "[[1]" not in page
