"""The portal's incident banner: a customer whose organisation has a ticket linked to an open
incident sees it on every portal page, with its status and latest update; nobody else does,
and a resolved incident leaves the banner."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.incidents import IncidentStatus
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import incidents, tickets

SignIn = Callable[[Agent | Contact], Browser]


def _incident_on(web: WebDesk, contact: Contact, title: str) -> int:
    ticket = tickets.open_ticket(
        web.app.desk, contact, tickets.NewTicket(subject="No dial tone", body_text="Since 9:00.")
    )
    incident = incidents.declare_incident(
        web.app.desk, web.lead, title, tickets=[ticket.number or ""]
    )
    assert incident.id is not None
    return incident.id


def test_an_affected_customer_sees_the_incident_banner_on_every_portal_page(
    web: WebDesk, signed_in: SignIn
) -> None:
    incident_id = _incident_on(web, web.acme_contact, "SIP trunks down in Frankfurt")
    incidents.post_incident_update(
        web.app.desk,
        web.lead,
        incident_id,
        IncidentStatus.IDENTIFIED,
        "A carrier's router failed; traffic moves to Paris.",
    )
    customer = signed_in(web.acme_contact)

    for url in ("/portal/tickets", "/portal/tickets/new", "/portal/account/password"):
        page = customer.get(url).text
        assert "SIP trunks down in Frankfurt" in page, url
        assert "identified" in page
        assert "A carrier&#39;s router failed; traffic moves to Paris." in page


def test_an_incident_of_another_organisation_is_never_shown(
    web: WebDesk, signed_in: SignIn
) -> None:
    _incident_on(web, web.globex_contact, "Globex voicemail outage")

    page = signed_in(web.acme_contact).get("/portal/tickets").text
    assert "Globex voicemail outage" not in page
    assert "incident-banner" not in page
    assert "Globex voicemail outage" in signed_in(web.globex_contact).get("/portal/tickets").text


def test_a_resolved_incident_leaves_the_banner(web: WebDesk, signed_in: SignIn) -> None:
    incident_id = _incident_on(web, web.acme_contact, "Provisioning server slow")
    incidents.resolve_incident(web.app.desk, web.lead, incident_id, "Disk replaced.")

    assert "Provisioning server slow" not in signed_in(web.acme_contact).get("/portal/tickets").text
