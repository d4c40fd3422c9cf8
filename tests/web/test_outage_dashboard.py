"""Outage proposals on the leads' dashboard, and declaring the incident from one in one click
(the dashboard and the outage page post the same form)."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import make_organisation
from tests.follow_ups import run_follow_ups
from tests.web.conftest import Browser, WebDesk, contact_with_password
from tierdesk.domain.outages import OutageProposal
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import incidents, outages, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
BODY = (
    "Since 08:00 every call to our SIP trunk fails with SIP/2.0 503 Service Unavailable. "
    "Please help."
)


def _proposal(web: WebDesk) -> OutageProposal:
    third = make_organisation(web.app.desk, name="Initech")
    for contact in (web.acme_contact, web.globex_contact, contact_with_password(web.app, third)):
        tickets.open_ticket(
            web.app.desk,
            contact,
            tickets.NewTicket(subject="SIP trunk down: 503 on every call", body_text=BODY),
        )
    run_follow_ups(web.app.desk)
    [proposal] = outages.list_proposals(web.app.desk, SYSTEM)
    return proposal


def test_an_open_outage_proposal_is_on_the_leads_dashboard_with_one_button_to_declare(
    web: WebDesk, signed_in: SignIn
) -> None:
    proposal = _proposal(web)
    lead = signed_in(web.lead)
    dashboard = lead.get("/dashboard").text
    assert "Outage proposals (1 open)" in dashboard
    assert proposal.title in dashboard
    assert f'action="/outages/{proposal.id}/declare"' in dashboard
    assert dashboard.count('href="/tickets/TD-') >= 3  # the tickets it would link
    assert "Outage proposals" not in signed_in(web.l1).get("/dashboard").text  # leads'

    declared = lead.post(f"/outages/{proposal.id}/declare", {"severity": "sev1"})
    assert declared.status_code == 200
    assert "Incident declared from the proposal" in declared.text
    [(incident, linked)] = incidents.list_incidents(web.app.desk, SYSTEM)
    assert (incident.title, incident.severity, linked) == (proposal.title, "sev1", 3)
    assert declared.url.path == f"/incidents/{incident.id}"
    assert proposal.title not in lead.get("/dashboard").text  # decided: no longer open


def test_declaring_from_a_proposal_twice_makes_one_incident(
    web: WebDesk, signed_in: SignIn
) -> None:
    proposal = _proposal(web)
    lead = signed_in(web.lead)
    lead.get("/outages")
    assert lead.post(f"/outages/{proposal.id}/declare", {}).status_code == 200
    again = lead.post(f"/outages/{proposal.id}/declare", {})  # a second tab, a double click
    assert again.status_code == 409
    assert len(incidents.list_incidents(web.app.desk, SYSTEM)) == 1
