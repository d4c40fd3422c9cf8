"""Enhancement requests in the portal: a customer sees the requests linked to their
organisation's tickets (title, status, votes; never the description, the author or who else
asked), votes for their organisation once or withdraws the vote, and gets the portal's 404 for
any other request."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.audit_query import AuditQuery
from tierdesk.domain.people import Agent, Contact
from tierdesk.services import enhancements, tickets

SignIn = Callable[[Agent | Contact], Browser]


def _asked_by(web: WebDesk, contacts: list[Contact], title: str) -> int:
    """A request linked to a ticket of each contact's organisation (each counted as a vote)."""
    desk = web.app.desk
    wish = enhancements.create_enhancement(
        desk, web.lead, title, description="Internal: only worth it for the Zeus deal."
    )
    assert wish.id is not None
    for contact in contacts:
        ticket = tickets.open_ticket(
            desk, contact, tickets.NewTicket(subject="Feature wish", body_text="Please add it.")
        )
        enhancements.link_enhancement(desk, web.lead, wish.id, ticket.number or "")
    return wish.id


def _row(page: str, enhancement_id: int) -> str:
    found = re.search(rf'<tr id="enhancement-{enhancement_id}">(.*?)</tr>', page, re.S)
    assert found is not None, page[-2000:]
    return found.group(1)


def _votes(web: WebDesk, enhancement_id: int) -> int:
    return enhancements.get_enhancement(web.app.desk, web.lead, enhancement_id).votes


def _vote_events(web: WebDesk) -> list[str]:
    with web.app.desk.uow() as uow:
        events = uow.audit.search(AuditQuery(entity="enhancement", limit=200))
    return [e.action for e in events if e.actor_kind == "contact"]


def test_a_customer_sees_only_the_requests_linked_to_their_organisations_tickets(
    web: WebDesk, signed_in: SignIn
) -> None:
    ours = _asked_by(web, [web.acme_contact, web.globex_contact], "Call forwarding from the app")
    _asked_by(web, [web.globex_contact], "Fax to e-mail")
    enhancements.create_enhancement(web.app.desk, web.lead, "Dark mode for the softphone")

    customer = signed_in(web.acme_contact)
    assert 'href="/portal/enhancements"' in customer.get("/portal/tickets").text
    page = customer.get("/portal/enhancements").text

    assert "Call forwarding from the app" in page
    assert "proposed" in page
    assert "</span>2</td>" in _row(page, ours)
    assert "Fax to e-mail" not in page
    assert "Dark mode for the softphone" not in page
    # what only agents see: the description, its author, the other organisations that asked
    assert "Zeus deal" not in page
    assert web.lead.name not in page
    assert web.globex.name not in page


def test_a_customer_withdraws_their_organisations_vote_and_votes_again_once(
    web: WebDesk, signed_in: SignIn
) -> None:
    wish = _asked_by(web, [web.acme_contact], "Call forwarding from the app")
    customer = signed_in(web.acme_contact)
    assert "Withdraw vote" in _row(customer.get("/portal/enhancements").text, wish)

    withdrawn = customer.post(f"/portal/enhancements/{wish}/vote", {"vote": "no"})
    assert withdrawn.status_code == 200
    row = _row(withdrawn.text, wish)
    assert "</span>0</td>" in row and ">Vote<" in row
    assert _votes(web, wish) == 0

    customer.post(f"/portal/enhancements/{wish}/vote", {"vote": "yes"})
    again = customer.post(f"/portal/enhancements/{wish}/vote", {"vote": "yes"})
    row = _row(again.text, wish)
    assert "</span>1</td>" in row and "Withdraw vote" in row
    assert _votes(web, wish) == 1
    assert _vote_events(web) == ["enhancement.voted", "enhancement.vote_withdrawn"]


def test_a_vote_on_another_organisations_request_is_not_found_and_changes_nothing(
    web: WebDesk, signed_in: SignIn
) -> None:
    theirs = _asked_by(web, [web.globex_contact], "Fax to e-mail")
    internal = enhancements.create_enhancement(web.app.desk, web.lead, "Dark mode").id or 0
    customer = signed_in(web.acme_contact)
    customer.get("/portal/enhancements")

    for wish in (theirs, internal, 999_999):
        response = customer.post(f"/portal/enhancements/{wish}/vote", {"vote": "yes"})
        assert response.status_code == 404
        assert "Fax to e-mail" not in response.text
    assert customer.post(f"/portal/enhancements/{theirs}/vote", {"vote": "no"}).status_code == 404

    assert _votes(web, theirs) == 1
    assert _votes(web, internal) == 0
    assert _vote_events(web) == []


def test_a_vote_without_the_forms_token_is_refused(web: WebDesk, signed_in: SignIn) -> None:
    wish = _asked_by(web, [web.acme_contact], "Call forwarding from the app")
    customer = signed_in(web.acme_contact)
    response = customer.client.post(f"/portal/enhancements/{wish}/vote", data={"vote": "no"})
    assert response.status_code == 403
    assert _votes(web, wish) == 1


def test_the_enhancements_page_speaks_the_customers_language(
    web: WebDesk, signed_in: SignIn
) -> None:
    _asked_by(web, [web.acme_contact], "Rufumleitung per App")
    customer = signed_in(web.acme_contact)
    page = customer.get("/portal/enhancements", headers={"Accept-Language": "de"}).text
    assert "Erweiterungswünsche" in page
    assert "vorgeschlagen" in page
    assert "Stimme zurückziehen" in page
