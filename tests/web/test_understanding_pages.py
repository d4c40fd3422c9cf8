"""The ticket page shows what the desk read (facts, triage suggestions with their confidence,
clarifying questions); an agent accepts or corrects a suggestion in one click."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import make_organisation
from tests.web.conftest import Browser, WebDesk, contact_with_password
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import outages, tickets, triage
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
BODY = (
    "Since the upgrade to Kestrel SBC 6.0.0 every call to 10.20.0.5 fails with "
    "SIP/2.0 503 Service Unavailable. Please help."
)


def test_the_panel_shows_facts_with_where_they_were_said(web: WebDesk, signed_in: SignIn) -> None:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="Calls fail", body_text=BODY)
    )
    browser = signed_in(web.lead)
    page = browser.get(f"/tickets/{ticket.number}").text
    assert f'hx-get="/tickets/{ticket.number}/understanding"' in page

    panel = browser.get(f"/tickets/{ticket.number}/understanding").text
    assert "SIP/2.0 503 Service Unavailable" in panel
    assert "10.20.0.5" in panel
    assert 'href="#message-' in panel


def test_a_triage_suggestion_is_accepted_or_corrected_in_one_click(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="Calls fail", body_text=BODY)
    )
    number = ticket.number or ""
    suggestions = {p.field: p for p in triage.triage_suggestions(web.app.desk, SYSTEM, number)}
    assert "type" in suggestions  # cold start suggests at least the type

    browser = signed_in(web.lead)
    panel = browser.get(f"/tickets/{number}/understanding").text
    assert 'class="triage-type"' in panel

    decided = browser.post(f"/tickets/{number}/triage/type", {"value": "problem"})
    assert decided.status_code == 200
    assert "type: problem" in decided.text
    after = {p.field: p for p in triage.triage_suggestions(web.app.desk, SYSTEM, number)}
    assert after["type"].final_value == "problem"
    assert after["type"].decided_by == web.lead.name
    assert tickets.get_ticket(web.app.desk, SYSTEM, number).type == "problem"


def test_customers_cannot_reach_the_panel(web: WebDesk, signed_in: SignIn) -> None:
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="x", body_text=BODY)
    )
    customer = signed_in(web.acme_contact)
    response = customer.get(f"/tickets/{ticket.number}/understanding")
    assert response.url.path == "/signin"


def test_the_outage_page_renders(web: WebDesk, signed_in: SignIn) -> None:
    page = signed_in(web.lead).get("/outages")
    assert page.status_code == 200
    assert "Outage proposals" in page.text


def test_an_incident_is_declared_from_an_outage_proposal(web: WebDesk, signed_in: SignIn) -> None:
    third = make_organisation(web.app.desk, name="Initech")
    for contact in (web.acme_contact, web.globex_contact, contact_with_password(web.app, third)):
        tickets.open_ticket(
            web.app.desk,
            contact,
            tickets.NewTicket(subject="SIP trunk down: 503 on every call", body_text=BODY),
        )
    proposals = outages.list_proposals(web.app.desk, SYSTEM)
    assert len(proposals) == 1

    lead = signed_in(web.lead)
    page = lead.get("/outages").text
    assert proposals[0].title in page
    declared = lead.post(f"/outages/{proposals[0].id}/declare", {"severity": "sev1"})
    assert "Incident declared from the proposal" in declared.text
    assert declared.text.count('href="/tickets/TD-') >= 3  # the proposal's tickets are linked
    decided = outages.get_proposal(web.app.desk, SYSTEM, proposals[0].id or 0)
    assert decided.status == "declared" and decided.incident_id is not None
