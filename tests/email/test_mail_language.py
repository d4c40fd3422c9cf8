"""Mail intake settles the language before routing: a German mail from a new sender whose mail
names no language makes a German contact and a German ticket, routed to the German intake and a
German speaker, and acknowledged in German."""

from __future__ import annotations

from email.message import EmailMessage

from tests.email.conftest import sender_to
from tests.email.servers import SmtpSink
from tests.language.support import GERMAN, language_desk
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Organisation
from tierdesk.services import people, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk, MailSource, receive_email
from tierdesk.services.mail_outbox import send_pending


def german_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Jana Schulz <jana.schulz@acme.example>"
    message["To"] = "support@desk.test"
    message["Subject"] = "Kein Ton nach dem Update"
    message["Message-ID"] = "<kein-ton-1@acme.example>"
    message["Date"] = "Mon, 02 Mar 2026 08:55:09 +0100"
    message.set_content(GERMAN)  # no Content-Language header
    return message.as_bytes()


def test_a_german_mail_from_a_new_sender_is_routed_and_acknowledged_in_german(
    app: Tierdesk, desk: Desk, mail: MailDesk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    world = language_desk(desk)

    receipt = receive_email(mail, german_mail(), MailSource("support"))

    ticket = tickets.get_ticket(desk, world.lead, receipt.ticket_number or "")
    assert (ticket.language, ticket.queue, ticket.assignee_id) == (
        "de",
        "intake-de",
        world.greta.id,
    )
    [contact] = people.list_contacts(desk, SYSTEM, acme.id)
    assert (contact.email, contact.language) == ("jana.schulz@acme.example", "de")

    send_pending(sender_to(app, smtp_sink))

    [acknowledgement] = smtp_sink.received
    text = acknowledgement.message.get_body(("plain",)).get_content()
    assert "Guten Tag Jana Schulz," in text
    assert f"das Ticket {ticket.number} eröffnet" in text


def test_the_desks_automatic_answer_is_signed_in_the_customers_language(
    app: Tierdesk, desk: Desk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    """The answerer is a system actor named in the desk's English ("tierdesk answers"); its
    mail is signed with what it is, in the customer's language, as the portal shows it."""
    from tierdesk.domain.messages import MessageKind
    from tierdesk.services.answers import ANSWERER
    from tierdesk.services.conversation import add_message

    contact = people.create_contact(
        desk,
        SYSTEM,
        people.NewContact(
            email="jana@acme.example", name="Jana", organisation=acme.name, language="de"
        ),
    ).contact
    ticket = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="Faxe gehen nicht", body_text=GERMAN)
    )
    send_pending(sender_to(app, smtp_sink))
    smtp_sink.received.clear()
    add_message(
        desk, ANSWERER, ticket.number or "", MessageKind.PUBLIC_REPLY, text="Bekanntes Problem."
    )

    send_pending(sender_to(app, smtp_sink))

    [answer] = smtp_sink.received
    text = answer.message.get_body(("plain",)).get_content()
    assert "Bekanntes Problem." in text
    assert "Automatische Antwort" in text and "tierdesk answers" not in text
