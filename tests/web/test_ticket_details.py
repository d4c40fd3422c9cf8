"""The ticket page's Details panel: each field changed in place, stored and on the trail; a bad
value refused next to its field with nothing changed; what an agent may not do refused."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

import httpx

from tests.factories import full_packet, make_contact
from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.tickets import Priority, Status, TicketType
from tierdesk.services import catalog, escalation, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}
_SEEN = re.compile(r'name="seen" value="([^"]*)"')


def a_product(web: WebDesk, name: str = "Kestrel PBX") -> str:
    product = catalog.create_product(
        web.app.desk,
        SYSTEM,
        catalog.NewProduct(
            name=name,
            components=["SIP Trunk", "Voicemail"],
            versions=[("4.2", None), ("5.0", None)],
        ),
    )
    return product.key


def post_details(
    browser: Browser, number: str, **changes: Any
) -> tuple[httpx.Response, dict[str, Any]]:
    """Send the Details form as the page shows it, with ``changes`` made by the agent."""
    page = browser.get(f"/tickets/{number}").text
    found = _SEEN.search(page)
    assert found is not None, "the Details form is on the page"
    seen_text = html.unescape(found.group(1))
    shown = json.loads(seen_text)
    data = {**shown, "seen": seen_text, **changes}
    return browser.post(f"/tickets/{number}/details", data, headers=HTMX), shown


def trail_of(browser: Browser, number: str) -> str:
    page = browser.get(f"/tickets/{number}").text
    start = page.index('id="trail-h"')
    return page[start : page.index("</ol>", start)]


def test_every_field_is_changed_in_place_stored_and_on_the_trail(
    web: WebDesk, signed_in: SignIn
) -> None:
    key = a_product(web)
    ticket = open_at_l1(web, "Trunk drops calls")
    number = ticket.number or ""
    colleague = make_contact(web.app.desk, organisation=web.acme)
    lead = signed_in(web.lead)

    response, _ = post_details(
        lead,
        number,
        status="pending-internal",
        priority="P1",
        type="problem",
        product=key,
        component="SIP Trunk",
        version="5.0",
        tags="trunk, Call Drops",
        custom_fields="site: Leeds\nseats: 40",
        assignee_id=str(web.l1.id),
        requester_id=str(colleague.id),
        followers=[str(web.lead.id), str(web.l2.id)],
        reason="caller says all sites",
    )

    assert response.status_code == 204, response.text
    stored = tickets.get_ticket(web.app.desk, web.lead, number)
    assert stored.status is Status.PENDING_INTERNAL
    assert stored.priority is Priority.P1
    assert stored.type is TicketType.PROBLEM
    assert stored.tags == ["trunk", "call-drops"]
    assert stored.custom_fields == {"site": "Leeds", "seats": "40"}
    assert stored.assignee_id == web.l1.id
    assert stored.requester_id == colleague.id
    assert sorted(stored.followers) == sorted([web.lead.id, web.l2.id])
    assert stored.product_id is not None and stored.component_id and stored.version_id
    trail = trail_of(lead, number)
    for shown in (
        "priority:</span> P3 → P1",
        "status:</span> new → pending-internal",
        "product:</span> — → Kestrel PBX",
        "component:</span> — → SIP Trunk",
        "version:</span> — → 5.0",
        "assignee:</span> — → Lena One",
        f"requester:</span> {web.acme_contact.name} → {colleague.name}",
        "followers:</span> — → ",
        "caller says all sites",
    ):
        assert shown in trail, shown


def test_a_form_sent_back_unchanged_changes_nothing(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Voicemail greeting")
    number = ticket.number or ""
    tickets.update_ticket(web.app.desk, web.lead, number, custom_fields={"seats": 40})
    before = len(tickets.ticket_events(web.app.desk, web.lead, number))

    response, _ = post_details(signed_in(web.lead), number)

    assert response.status_code == 204
    assert "Nothing+changed" in response.headers["HX-Redirect"]
    assert len(tickets.ticket_events(web.app.desk, web.lead, number)) == before
    assert tickets.get_ticket(web.app.desk, web.lead, number).custom_fields == {"seats": 40}


def test_only_the_fields_the_agent_touched_are_sent(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Echo on calls")
    number = ticket.number or ""
    lead = signed_in(web.lead)
    page = lead.get(f"/tickets/{number}").text  # the lead's form shows P3
    found = _SEEN.search(page)
    assert found is not None
    seen = html.unescape(found.group(1))
    tickets.change_priority(web.app.desk, web.l1, number, Priority.P2)  # a colleague, meanwhile

    data = {**json.loads(seen), "seen": seen, "tags": "echo"}
    response = lead.post(f"/tickets/{number}/details", data, headers=HTMX)

    assert response.status_code == 204
    stored = tickets.get_ticket(web.app.desk, web.lead, number)
    assert stored.tags == ["echo"]
    assert stored.priority is Priority.P2  # the colleague's change stands


def test_a_field_both_changed_is_refused_not_overwritten_with_what_the_page_showed(
    web: WebDesk, signed_in: SignIn
) -> None:
    """The lead set P1 while a colleague's page still showed P3; the colleague's P4 silently
    undid it (the trail read "P1 -> P4")."""
    ticket = open_at_l1(web, "Echo on calls")
    number = ticket.number or ""
    lead = signed_in(web.lead)
    page = lead.get(f"/tickets/{number}").text  # the form shows P3
    found = _SEEN.search(page)
    assert found is not None
    seen = html.unescape(found.group(1))
    tickets.change_priority(web.app.desk, web.l1, number, Priority.P1)  # a colleague, meanwhile

    data = {**json.loads(seen), "seen": seen, "priority": "P4", "tags": "echo"}
    response = lead.post(f"/tickets/{number}/details", data, headers=HTMX)

    assert response.status_code == 409
    assert response.headers["X-Desk-Fields"] == "priority"
    assert "priority was changed to 'P1' since you opened this page" in response.text
    stored = tickets.get_ticket(web.app.desk, web.lead, number)
    assert (stored.priority, stored.tags) == (Priority.P1, [])  # nothing of the form stored


def test_a_bad_value_is_refused_next_to_its_field_and_nothing_is_changed(
    web: WebDesk, signed_in: SignIn
) -> None:
    key = a_product(web)
    ticket = open_at_l1(web, "No dial tone")
    number = ticket.number or ""

    response, _ = post_details(
        signed_in(web.lead), number, priority="P1", product=key, component="Fax"
    )

    assert response.status_code == 422
    assert response.headers["X-Desk-Fields"] == "component"
    assert "no component 'Fax'" in response.text
    stored = tickets.get_ticket(web.app.desk, web.lead, number)
    assert stored.priority is Priority.P3 and stored.product_id is None


def test_custom_fields_that_are_not_name_value_lines_are_refused(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Odd fields")
    response, _ = post_details(
        signed_in(web.lead), ticket.number or "", custom_fields="site: Leeds\njust words"
    )
    assert response.status_code == 422
    assert response.headers["X-Desk-Fields"] == "custom_fields"
    assert "line 2" in response.text


def test_a_requester_of_another_organisation_is_refused(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Wrong person")
    response, _ = post_details(
        signed_in(web.lead), ticket.number or "", requester_id=str(web.globex_contact.id)
    )
    assert response.status_code == 422
    assert response.headers["X-Desk-Fields"] == "requester_id"
    assert tickets.get_ticket(web.app.desk, web.lead, ticket.number or "").requester_id == (
        web.acme_contact.id
    )


def test_an_agent_follows_a_ticket_but_only_a_lead_makes_others_follow(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Hold music loops")
    number = ticket.number or ""
    l1 = signed_in(web.l1)

    myself, _ = post_details(l1, number, followers=[str(web.l1.id)])
    others, _ = post_details(l1, number, followers=[str(web.l1.id), str(web.l2.id)])

    assert myself.status_code == 204
    assert others.status_code == 403
    assert others.headers["X-Desk-Fields"] == "followers"
    assert tickets.get_ticket(web.app.desk, web.lead, number).followers == [web.l1.id]


def test_a_ticket_is_not_assigned_to_an_agent_who_does_not_work_its_level(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Conference bridge full")
    number = ticket.number or ""
    page = signed_in(web.l1).get(f"/tickets/{number}").text
    choices = page.split('id="d-assignee"')[1].split("</select")[0]
    assert f'<option value="{web.l2.id}"' not in choices

    response, _ = post_details(signed_in(web.l1), number, assignee_id=str(web.l2.id))

    assert response.status_code == 409
    assert tickets.get_ticket(web.app.desk, web.lead, number).assignee_id is None


def test_an_agent_cannot_change_a_ticket_above_their_level(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Firmware question")
    number = ticket.number or ""
    escalation.escalate_ticket(web.app.desk, web.lead, number, Tier.L2, "firmware", full_packet())
    l1 = signed_in(web.l1)
    assert l1.get(f"/tickets/{number}").status_code == 404
    l1.get("/queue")  # a page with a form, for the CSRF token
    response = l1.post(f"/tickets/{number}/details", {"seen": "{}", "priority": "P1"}, headers=HTMX)
    assert response.status_code == 404
    assert tickets.get_ticket(web.app.desk, web.lead, number).priority is Priority.P3


def test_the_component_and_version_lists_follow_the_chosen_product(
    web: WebDesk, signed_in: SignIn
) -> None:
    pbx = a_product(web)
    a_product_key = catalog.create_product(
        web.app.desk, SYSTEM, catalog.NewProduct(name="Kestrel SBC", components=["Media relay"])
    ).key
    lead = signed_in(web.lead)

    for_pbx = lead.get("/catalog/choices", params={"product": pbx}, headers=HTMX).text
    for_sbc = lead.get("/catalog/choices", params={"product": a_product_key}, headers=HTMX).text

    assert "SIP Trunk" in for_pbx and "4.2" in for_pbx and "Media relay" not in for_pbx
    assert "Media relay" in for_sbc and "SIP Trunk" not in for_sbc


def test_customers_never_see_the_details_panel(web: WebDesk, signed_in: SignIn) -> None:
    ticket = open_at_l1(web, "Portal view")
    customer = signed_in(web.acme_contact)
    page = customer.get(f"/portal/tickets/{ticket.number}").text
    assert "Save details" not in page
    refused = customer.post(
        f"/tickets/{ticket.number}/details", {"seen": "{}", "priority": "P1"}, headers=HTMX
    )
    assert refused.status_code in (204, 401, 403)  # sent to the agents' sign-in at most
    assert tickets.get_ticket(web.app.desk, web.lead, ticket.number or "").priority is Priority.P3
