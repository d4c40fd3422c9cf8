"""An agent opens a ticket for a caller at /tickets/new: the customer found as they type or
added on the spot; the ticket opens through the API's use case, on the phone channel."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Browser, WebDesk
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Priority, TicketType
from tierdesk.ports import TicketFilter
from tierdesk.services import people, tickets
from tierdesk.services.auth import SYSTEM

SignIn = Callable[[Agent | Contact], Browser]
HTMX = {"HX-Request": "true"}


def test_the_caller_is_found_by_name_or_e_mail_as_the_agent_types(
    web: WebDesk, signed_in: SignIn
) -> None:
    l1 = signed_in(web.l1)
    assert 'href="/tickets/new"' in l1.get("/queue").text

    by_name = l1.get("/contacts/search", params={"q": web.acme_contact.name[-6:]}).text
    by_mail = l1.get("/contacts/search", params={"q": web.globex_contact.email.upper()}).text
    nobody = l1.get("/contacts/search", params={"q": "zz-nobody-zz"}).text

    assert f'value="{web.acme_contact.id}"' in by_name and web.acme.name in by_name
    assert f'value="{web.globex_contact.id}"' in by_mail
    assert "Nobody matches" in nobody


def test_a_phone_ticket_is_opened_for_a_contact_picked_from_the_list(
    web: WebDesk, signed_in: SignIn
) -> None:
    l1 = signed_in(web.l1)
    l1.get("/tickets/new")
    response = l1.post(
        "/tickets/new",
        {
            "requester_id": str(web.acme_contact.id),
            "subject": "Phones reboot at night",
            "body": "Every night at 2am, says the caller.",
            "priority": "P2",
            "type": "problem",
        },
        headers=HTMX,
    )

    assert response.status_code == 204, response.text
    number = response.headers["HX-Redirect"].split("/tickets/")[1].split("?")[0]
    opened = tickets.get_ticket(web.app.desk, web.lead, number)
    assert opened.channel is Channel.PHONE
    assert opened.requester_id == web.acme_contact.id
    assert opened.priority is Priority.P2
    assert opened.type is TicketType.PROBLEM
    assert opened.messages[0].body_text == "Every night at 2am, says the caller."
    actions = [e.action for e in tickets.ticket_events(web.app.desk, web.lead, number)]
    assert actions[0] == "ticket.opened"


def test_a_phone_ticket_is_opened_for_a_new_contact_added_on_the_spot(
    web: WebDesk, signed_in: SignIn
) -> None:
    l1 = signed_in(web.l1)
    l1.get("/tickets/new")
    response = l1.post(
        "/tickets/new",
        {
            "name": "Carla Caller",
            "email": "carla@acme.example",
            "organisation": web.acme.name,
            "subject": "No dial tone",
        },
        headers=HTMX,
    )

    assert response.status_code == 204, response.text
    number = response.headers["HX-Redirect"].split("/tickets/")[1].split("?")[0]
    opened = tickets.get_ticket(web.app.desk, web.lead, number)
    [carla] = people.search_contacts(web.app.desk, SYSTEM, "carla@acme.example")
    assert opened.requester_id == carla.id
    assert carla.organisation_id == web.acme.id == opened.organisation_id


def test_a_form_without_customer_or_subject_says_so_and_adds_nobody(
    web: WebDesk, signed_in: SignIn
) -> None:
    l1 = signed_in(web.l1)
    l1.get("/tickets/new")
    before = len(people.list_contacts(web.app.desk, SYSTEM))

    no_customer = l1.post("/tickets/new", {"subject": "Echo"}, headers=HTMX)
    no_subject = l1.post(
        "/tickets/new",
        {"name": "Dan", "email": "dan@acme.example", "organisation": web.acme.name},
        headers=HTMX,
    )
    bad_org = l1.post(
        "/tickets/new",
        {"name": "Dan", "email": "dan@acme.example", "organisation": "Nope", "subject": "x"},
        headers=HTMX,
    )

    assert no_customer.status_code == 422
    assert no_customer.headers["X-Desk-Fields"] == "requester_id"
    assert no_subject.status_code == 422
    assert no_subject.headers["X-Desk-Fields"] == "subject"
    assert bad_org.headers["X-Desk-Fields"] == "organisation"
    assert len(people.list_contacts(web.app.desk, SYSTEM)) == before


def test_a_customer_picked_and_a_new_one_typed_is_refused_rather_than_one_dropped(
    web: WebDesk, signed_in: SignIn
) -> None:
    l1 = signed_in(web.l1)
    l1.get("/tickets/new")
    before = len(people.list_contacts(web.app.desk, SYSTEM))

    both = l1.post(
        "/tickets/new",
        {
            "requester_id": str(web.acme_contact.id),
            "name": "Erin Else",
            "email": "erin@acme.example",
            "organisation": web.acme.name,
            "subject": "No dial tone",
        },
        headers=HTMX,
    )

    assert both.status_code == 422
    assert both.headers["X-Desk-Fields"] == "requester_id"
    assert "picked a customer and typed a new one" in both.text
    assert len(people.list_contacts(web.app.desk, SYSTEM)) == before
    listed = tickets.list_tickets(web.app.desk, SYSTEM, TicketFilter(), 50).tickets
    assert "No dial tone" not in {t.subject for t in listed}
