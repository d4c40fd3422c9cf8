"""The ticket page shows what the desk read (facts, triage suggestions with their confidence,
clarifying questions); an agent accepts or corrects a suggestion in one click."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.factories import make_organisation
from tests.follow_ups import run_follow_ups
from tests.web.conftest import Browser, WebDesk, contact_with_password
from tierdesk.domain.people import Agent, Contact, Tier
from tierdesk.domain.ticket_values import TicketType
from tierdesk.errors import InvalidInputError
from tierdesk.services import catalog, outages, queues, tickets, triage
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
    run_follow_ups(web.app.desk)
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
    run_follow_ups(web.app.desk)
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
    run_follow_ups(web.app.desk)
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


def _options(panel: str, field: str) -> list[str]:
    select = re.search(rf'<select class="fit" id="correct-{field}".*?</select>', panel, re.DOTALL)
    assert select is not None, field
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def test_a_triage_correction_offers_every_product_queue_and_value_of_the_catalogue(
    web: WebDesk, signed_in: SignIn
) -> None:
    desk = web.app.desk
    names = ["Kestrel SBC", "Kestrel DeskPhone", "Kestrel Edge", "CallStats", "Fax Gateway"]
    products = [
        catalog.create_product(desk, SYSTEM, catalog.NewProduct(n, components=["Media relay"]))
        for n in names
    ]
    for key, tier in (("l1-voice", Tier.L1), ("l1-data", Tier.L1), ("l2-voice", Tier.L2)):
        queues.create_queue(desk, SYSTEM, queues.NewQueue(key=key, name=key, tier=tier))
    ticket = tickets.open_ticket(
        desk, web.acme_contact, tickets.NewTicket(subject="Calls fail", body_text=BODY)
    )
    run_follow_ups(desk)
    number = ticket.number or ""
    browser = signed_in(web.lead)

    panel = browser.get(f"/tickets/{number}/understanding").text

    assert sorted(_options(panel, "product")) == sorted(p.key for p in products)
    assert sorted(_options(panel, "queue")) == ["l1-data", "l1-voice", "l2-voice"]
    assert sorted(_options(panel, "type")) == sorted(str(t) for t in TicketType)
    suggested = {p.field: p for p in triage.triage_suggestions(desk, SYSTEM, number)}
    # the suggestion by the product's name, not its key
    row = re.search(r'<tr class="triage-product">.*?</tr>', panel, re.S)
    assert row is not None
    cell = row.group(0).split("<td>")[2].split('<div class="muted">')[0]
    best = next(p for p in products if p.key == suggested["product"].best)
    assert best.name in cell and best.key not in cell
    ranked = {str(a[0]) for a in suggested["product"].alternatives}
    unranked = next(p for p in products if p.key not in ranked)
    decided = browser.post(f"/tickets/{number}/triage/product", {"value": unranked.key})
    assert f"Corrected product: {unranked.name}<" in decided.text
    assert tickets.get_ticket(desk, SYSTEM, number).product_id == unranked.id


def test_a_triage_correction_to_something_the_desk_does_not_have_is_refused(
    web: WebDesk, signed_in: SignIn
) -> None:
    catalog.create_product(web.app.desk, SYSTEM, catalog.NewProduct("Kestrel SBC"))
    ticket = tickets.open_ticket(
        web.app.desk, web.acme_contact, tickets.NewTicket(subject="Calls fail", body_text=BODY)
    )
    run_follow_ups(web.app.desk)

    with pytest.raises(InvalidInputError, match="not a product of this desk"):
        triage.decide_suggestion(web.app.desk, web.lead, ticket.number or "", "product", "Fax")
