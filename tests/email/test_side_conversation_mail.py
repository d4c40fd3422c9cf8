"""Side conversations by mail through real servers: the desk's mail to a vendor carries the
side conversation's own reference (not the ticket's), and the vendor's reply comes back into
the side conversation, never onto the customer's thread, never as a new ticket."""

from __future__ import annotations

from email.message import EmailMessage

from tests.email.builders import compose_mail, new_message_id
from tests.email.conftest import MAILBOX, SUPPORT, sender_to
from tests.email.servers import SmtpSink
from tests.factories import make_agent
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Organisation
from tierdesk.domain.side_conversations import SideChannel, SideState
from tierdesk.ports import TicketFilter
from tierdesk.services import side_conversations as sides
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk, receive_email
from tierdesk.services.mail_outbox import send_pending
from tierdesk.services.notifications import list_notifications

VENDOR = "Vera Vendor <vera@vendor.example>"


def _open_ticket_by_mail(mail: MailDesk, desk: Desk) -> str:
    receive_email(mail, compose_mail(subject="Trunk drops calls", body="Since 4.2.1."), MAILBOX)
    [ticket] = tickets.list_tickets(desk, SYSTEM, TicketFilter(), 10).tickets
    return ticket.number or ""


def _vendor_reply(received: EmailMessage, text: str, *, headers: bool = True) -> bytes:
    return compose_mail(
        sender=VENDOR,
        to=str(received["Reply-To"]) if headers else SUPPORT,
        subject="Re: " + str(received["Subject"]),
        body=f"{text}\n\n> {received.get_body(('plain',)).get_content()[:40]}",  # type: ignore[union-attr]
        message_id=new_message_id("vendor.example"),
        in_reply_to=str(received["Message-ID"]) if headers else None,
        references=[str(received["Message-ID"])] if headers else None,
    )


def test_a_vendors_reply_threads_back_into_the_side_conversation_and_never_reaches_the_customer(
    app: Tierdesk, mail: MailDesk, desk: Desk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    number = _open_ticket_by_mail(mail, desk)
    agent = make_agent(desk)
    customer_view = tickets.get_ticket(desk, SYSTEM, number)
    first = customer_view.messages[0]
    side = sides.start_side_conversation(
        desk,
        agent,
        number,
        sides.NewSideConversation(
            subject="SIP trunk drops after 4.2.1?",
            message="Do you know this one?",
            channel=SideChannel.EMAIL,
            to=["vera@vendor.example"],
            include_message_ids=[first.id or 0],
        ),
    )
    send_pending(sender_to(app, smtp_sink))
    [to_vendor] = [r.message for r in smtp_sink.received if "vendor" in str(r.message["To"])]
    assert f"[{number}]" not in str(to_vendor["Subject"])
    assert f"+side-{side.token}@desk.test" in str(to_vendor["Reply-To"])
    assert "Since 4.2.1." in to_vendor.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    customer_mail_before = [r for r in smtp_sink.received if "acme" in str(r.message["To"])]

    receipt = receive_email(mail, _vendor_reply(to_vendor, "Known: fixed in 4.2.2."), MAILBOX)

    assert receipt.outcome == "stored"
    assert receipt.ticket_number == number
    thread = sides.side_thread(desk, agent, number, side.id or 0)
    assert [m.body_text.split("\n")[0] for m in thread.messages][-1] == "Known: fixed in 4.2.2."
    assert thread.conversation.state is SideState.ANSWERED
    after = tickets.get_ticket(desk, SYSTEM, number)
    assert [m.id for m in after.messages] == [m.id for m in customer_view.messages]
    assert tickets.list_tickets(desk, SYSTEM, TicketFilter(), 10).total == 1  # no new ticket
    with desk.uow() as uow:
        assert uow.contacts.get_by_email("vera@vendor.example") is None  # not a customer
    send_pending(sender_to(app, smtp_sink))
    assert [r for r in smtp_sink.received if "acme" in str(r.message["To"])] == (
        customer_mail_before
    )
    assert any(n.kind == "side_conversation.reply" for n in list_notifications(desk, agent))


def test_a_reply_without_threading_headers_is_matched_by_the_side_conversations_reply_address(
    app: Tierdesk, mail: MailDesk, desk: Desk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    number = _open_ticket_by_mail(mail, desk)
    agent = make_agent(desk)
    side = sides.start_side_conversation(
        desk,
        agent,
        number,
        sides.NewSideConversation(
            subject="Licence question", message="Seats?", to=["am@acme.example"]
        ),
    )
    send_pending(sender_to(app, smtp_sink))
    [sent] = [r.message for r in smtp_sink.received if "am@acme" in str(r.message["To"])]
    bare = compose_mail(
        sender="Account Manager <am@acme.example>",
        to=str(sent["Reply-To"]),
        subject="licence",
        body="They have 40 seats.",
    )

    receive_email(mail, bare, MAILBOX)

    thread = sides.side_thread(desk, agent, number, side.id or 0)
    assert thread.messages[-1].body_text == "They have 40 seats."
    assert len(tickets.get_ticket(desk, SYSTEM, number).messages) == 1
    assert tickets.list_tickets(desk, SYSTEM, TicketFilter(), 10).total == 1
