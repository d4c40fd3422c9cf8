"""A ticket's resolution is written by engineers for engineers ("Factory reset with Mute+0 on
our lab phone…"). Customers never read it: not on portal pages, not in the portal's suggestions
while they type, not in what the API answers them. (Mail: tests/email/test_outbound.py.)"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.factories import token_for
from tests.web.conftest import Browser, WebDesk
from tests.web.test_workspace import open_at_l1
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services import tickets
from tierdesk.services.conversation import add_message

SignIn = Callable[[Agent | Contact], Browser]
INTERNAL = "INTERNAL-ONLY lab reset with Mute+0 on firmware 4.0.2, then reprovisioned"
REPLY = "Please hold Mute and 0 while you plug the phone in; it resets to factory settings."


def solved_ticket(web: WebDesk, subject: str = "Factory reset a KP-200 phone") -> Ticket:
    ticket = open_at_l1(web, subject, "How do I factory reset the KP-200 without a password?")
    number = ticket.number or ""
    add_message(web.app.desk, web.l1, number, MessageKind.PUBLIC_REPLY, text=REPLY)
    return tickets.solve_ticket(web.app.desk, web.l1, number, INTERNAL)


def test_the_portal_ticket_page_shows_the_replies_not_the_resolution(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = solved_ticket(web)
    page = signed_in(web.acme_contact).get(f"/portal/tickets/{ticket.number}").text
    assert REPLY.split(";")[0] in page
    assert "INTERNAL-ONLY" not in page
    assert INTERNAL in signed_in(web.l1).get(f"/tickets/{ticket.number}").text  # agents do


def test_suggestions_while_typing_answer_with_the_reply_not_the_resolution(
    web: WebDesk, signed_in: SignIn
) -> None:
    ticket = solved_ticket(web)
    found = (
        signed_in(web.acme_contact)
        .suggest({"subject": "factory reset KP-200 phone", "body": ""})
        .text
    )
    assert f"Solved ticket {ticket.number}" in found
    assert "Please hold Mute and 0" in found
    assert "INTERNAL-ONLY" not in found


def test_the_api_never_gives_a_customer_the_resolution(web: WebDesk) -> None:
    ticket = solved_ticket(web)
    other = solved_ticket(web, "Factory reset a KP-200 handset")
    client = TestClient(create_app(web.app))
    customer = {"Authorization": f"Bearer {token_for(web.app.desk, web.acme_contact)}"}
    agent = {"Authorization": f"Bearer {token_for(web.app.desk, web.l1)}"}

    answers = [
        client.get(f"/api/v1/tickets/{ticket.number}", headers=customer),
        client.get("/api/v1/tickets", headers=customer),
        client.get(f"/api/v1/tickets/{ticket.number}/events", headers=customer),
        client.get(f"/api/v1/tickets/{other.number}/similar", headers=customer),
        client.get(f"/api/v1/tickets/{other.number}/suggestions", headers=customer),
    ]
    assert ticket.number in answers[3].text  # the solved ticket is offered as similar
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert "INTERNAL-ONLY" not in answer.text, answer.request.url
    assert (
        client.get(f"/api/v1/tickets/{ticket.number}", headers=customer).json()["resolution"]
        is None
    )
    assert INTERNAL in client.get(f"/api/v1/tickets/{ticket.number}", headers=agent).text
