"""A lead moves an enhancement request on from its page, on both engines: planned with a note
(on the audit trail), then shipped in a release, which tells the requesting ticket's customer;
a shipment without its release is named next to the field; agents see no form and are refused."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.adapters.db import tables
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import enhancements, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def test_a_lead_plans_then_ships_a_request_and_the_asking_customer_is_told(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = open_at_l1(web, "Please add syslog over TLS")
    request = enhancements.create_enhancement(web.app.desk, web.l1, "Syslog over TLS")
    enhancements.link_enhancement(web.app.desk, web.l1, request.id or 0, ticket.number or "")
    lead = signed_in(web.lead)
    assert 'action="/enhancements/' in lead.get(f"/enhancements/{request.id}").text

    planned = lead.post(
        f"/enhancements/{request.id}/status", {"status": "planned", "note": "For the Q3 train"}
    )
    no_release = lead.post(
        f"/enhancements/{request.id}/status", {"status": "shipped"}, headers=HTMX
    )
    shipped = lead.post(
        f"/enhancements/{request.id}/status", {"status": "shipped", "version": "6.3.0"}
    )

    assert "Status set to planned" in planned.text
    assert no_release.status_code == 422 and no_release.headers["X-Desk-Fields"] == "version"
    assert "Shipped; 1 linked tickets told" in shipped.text and "shipped in 6.3.0" in shipped.text
    told = tickets.get_ticket(web.app.desk, SYSTEM, ticket.number or "").messages[-1]
    assert told.is_public and "6.3.0" in told.body_text
    a = tables.audit_events.c
    with web.app.engine.connect() as connection:
        reasons = connection.execute(
            select(a.reason).where(a.action == "enhancement.status_changed")
        ).scalars()
        assert list(reasons) == ["For the Q3 train"]


def test_a_release_that_is_no_version_is_shown_escaped_and_nothing_ships(
    web: WebDesk, signed_in: SignIn
) -> None:
    request = enhancements.create_enhancement(web.app.desk, web.l1, "Syslog over TLS")
    lead = signed_in(web.lead)
    lead.get(f"/enhancements/{request.id}")

    refused = lead.post(
        f"/enhancements/{request.id}/status",
        {"status": "shipped", "version": "<script>alert(1)</script>"},
    )

    assert refused.status_code == 422
    assert "<script>alert(1)" not in refused.text and "&lt;script&gt;" in refused.text
    stored = enhancements.get_enhancement(web.app.desk, web.lead, request.id or 0).record
    assert str(stored.status) == "proposed"


def test_an_agent_sees_no_status_form_and_may_not_change_it(
    web: WebDesk, signed_in: SignIn
) -> None:
    request = enhancements.create_enhancement(web.app.desk, web.l1, "Syslog over TLS")
    l1 = signed_in(web.l1)
    page = l1.get(f"/enhancements/{request.id}").text

    refused = l1.post(f"/enhancements/{request.id}/status", {"status": "declined"})

    assert f"/enhancements/{request.id}/status" not in page
    assert refused.status_code == 403
