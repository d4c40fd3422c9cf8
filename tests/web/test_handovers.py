"""The workspace's follow-the-sun pages: a lead sets up regions (errors next to the field), an
engineer hands over, the next region sees it in its queue and on the ticket, escaped."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import make_ticket
from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import regions, tickets
from tierdesk.services.auth import SYSTEM

XSS = "<script>alert(1)</script>"


def test_a_lead_sets_up_regions_and_a_hand_over_reaches_the_next_regions_queue_and_ticket(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    desk = web.app.desk
    lead = signed_in(web.lead)
    lead.get("/admin/regions")
    bad = lead.post(
        "/admin/regions",
        {"name": "EMEA", "timezone": "Europe/Nowhere", "hours": "mon-fri 09:00-17:00"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422
    assert bad.headers["X-Desk-Fields"] == "timezone"
    lead.post(
        "/admin/regions",
        {
            "name": "Americas",
            "timezone": "America/New_York",
            "hours": "mon-fri 09:00-17:00",
            "agents": [str(web.l1.id)],
        },
    )
    lead.post(
        "/admin/regions",
        {
            "name": "EMEA",
            "timezone": "Europe/Berlin",
            "hours": "mon-fri 08:00-17:00",
            "hands_to": "Americas",
            "agents": [str(web.lead.id)],
        },
    )
    page = lead.get("/admin/regions").text
    assert "hands over to Americas" in page

    ticket = make_ticket(desk, contact=web.acme_contact, subject=f"Trunk {XSS}")
    tickets.assign_ticket(desk, SYSTEM, ticket.id or 0, web.lead.id)
    lead.get("/queue/handed-over")
    assert lead.post("/handovers/now").status_code in (200, 303)

    americas = signed_in(web.l1)
    assert americas.get("/queue/handed-over/count").text == "Handed over to us (1)"
    queue = americas.get("/queue/handed-over").text
    assert ticket.number in queue
    assert XSS not in queue and "&lt;script&gt;" in queue
    panel = americas.get(f"/tickets/{ticket.number}/handover").text
    assert "Handed over to Americas" in panel and "Accept" in panel
    assert "Hand-over" in americas.get(f"/tickets/{ticket.number}").text


def test_an_engineer_whose_region_hands_over_to_none_is_told_so_and_offered_no_buttons(
    web: WebDesk, signed_in: Callable[[Agent | Contact], Browser]
) -> None:
    # Found walking the demo as its Americas engineer: "Draft my notes" and "Hand over now"
    # were offered and each answered "… is in no region that hands over to another".
    regions.create_region(
        web.app.desk,
        web.lead,
        regions.RegionFields(
            "Americas", "America/New_York", "mon-fri 09:00-17:00", agent_ids=[web.l1.id or 0]
        ),
    )
    page = signed_in(web.l1).get("/queue/handed-over").text

    assert "Hand over now" not in page and "Draft my notes" not in page
    assert "Americas hands over to no other region" in page
