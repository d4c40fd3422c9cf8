"""A ticket's CCs by mail, through a real SMTP server: public replies carry them in Cc: (never
an acknowledgement or an internal note), and whom a customer copies on their mail is copied on
the ticket, never the desk's own addresses or its agents."""

from __future__ import annotations

from tests.email.builders import compose_mail
from tests.email.conftest import MAILBOX, deliver, sender_to
from tests.email.servers import SmtpSink
from tests.factories import make_agent
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Organisation
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk, receive_email
from tierdesk.services.mail_outbox import send_pending


def test_a_public_reply_copies_the_tickets_ccs_and_an_internal_note_mails_nobody(
    app: Tierdesk, mail: MailDesk, desk: Desk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    number = deliver(mail, "new_request_plain.eml").ticket_number or ""
    agent = make_agent(desk)
    tickets.apply_changes(
        desk, agent, number, tickets.TicketChanges(ccs=["ops@acme.example", "cfo@acme.example"])
    )
    add_message(desk, agent, number, MessageKind.INTERNAL_NOTE, text="Ask the carrier first.")
    add_message(desk, agent, number, MessageKind.PUBLIC_REPLY, text="Please reboot the SBC.")

    report = send_pending(sender_to(app, smtp_sink))

    assert (report.sent, report.failed) == (2, 0)  # the acknowledgement and the reply
    acknowledgement, reply = smtp_sink.received
    assert acknowledgement.message["Cc"] is None
    assert acknowledgement.rcpt_tos == ["max.weber@acme.example"]
    assert reply.message["To"] == "Max Weber <max.weber@acme.example>"
    assert reply.message["Cc"] == "ops@acme.example, cfo@acme.example"
    assert reply.rcpt_tos == ["max.weber@acme.example", "ops@acme.example", "cfo@acme.example"]
    assert "Ask the carrier" not in reply.data.decode()


def test_a_cc_the_relay_refuses_does_not_fail_the_reply_to_the_requester(
    app: Tierdesk, mail: MailDesk, desk: Desk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    number = deliver(mail, "new_request_plain.eml").ticket_number or ""
    agent = make_agent(desk)
    tickets.apply_changes(desk, agent, number, tickets.TicketChanges(ccs=["gone@acme.example"]))
    add_message(desk, agent, number, MessageKind.PUBLIC_REPLY, text="Fixed in 5.0.")
    smtp_sink.handler.refuse.add("gone@acme.example")

    report = send_pending(sender_to(app, smtp_sink))

    assert (report.sent, report.failed) == (2, 0)
    assert smtp_sink.received[-1].rcpt_tos == ["max.weber@acme.example"]


def test_whom_a_customer_copies_is_copied_on_the_ticket_but_never_the_desk_or_its_agents(
    mail: MailDesk, desk: Desk, acme: Organisation
) -> None:
    agent = make_agent(desk)
    first_id = "<cc-first@acme.example>"
    opened = receive_email(
        mail,
        compose_mail(
            message_id=first_id,
            headers={
                "Cc": f"Ops <OPS@acme.example>, Sales <sales@desk.test>, {agent.email}, "
                "support+side-0123456789@desk.test, max.weber@acme.example, not-an-address"
            },
        ),
        MAILBOX,
    )
    number = opened.ticket_number or ""
    assert tickets.get_ticket(desk, SYSTEM, number).ccs == ["ops@acme.example"]

    receive_email(
        mail,
        compose_mail(
            subject=f"Re: [{number}] Phones lose registration",
            body="Adding our carrier.",
            in_reply_to=first_id,
            references=[first_id],
            headers={"Cc": "ops@acme.example, noc@carrier.example"},
        ),
        MAILBOX,
    )

    ticket = tickets.get_ticket(desk, SYSTEM, number)
    assert ticket.ccs == ["ops@acme.example", "noc@carrier.example"]
    changed = [e for e in tickets.ticket_events(desk, agent, number) if "ccs" in e.changes]
    assert [(e.actor_kind, e.actor_name) for e in changed] == [("contact", "Max Weber")] * 2
    assert changed[-1].changes == {
        "ccs": [["ops@acme.example"], ["ops@acme.example", "noc@carrier.example"]]
    }
