"""The whole loop through real servers: a customer mails the desk (IMAP), the desk acknowledges
and an agent replies (SMTP), and the customer's reply to that mail, with an attachment, lands on
the same ticket, in order."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

from tests.email.builders import compose_mail, new_message_id
from tests.email.conftest import MAILBOX, sender_to
from tests.email.servers import ImapAccount, SmtpSink
from tests.factories import make_agent
from tests.services.support import tiny_png
from tierdesk.adapters.email.imap import ImapMailbox
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Organisation
from tierdesk.ports import TicketFilter
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk, fetch_mailbox
from tierdesk.services.mail_outbox import send_pending


def _reply_to(received: EmailMessage, text: str, attachment: tuple[str, bytes]) -> bytes:
    """What a mail client writes when the customer presses Reply: threading headers from the
    mail answered, its text quoted below, a file attached."""
    reply = EmailMessage(policy=SMTP)
    reply["From"] = "Max Weber <max.weber@acme.example>"
    reply["To"] = str(received["From"])
    reply["Subject"] = "Re: " + str(received["Subject"])
    reply["Message-ID"] = new_message_id()
    reply["In-Reply-To"] = str(received["Message-ID"])
    references = [*str(received["References"] or "").split(), str(received["Message-ID"])]
    reply["References"] = " ".join(references)
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    quoted = "\n".join("> " + line for line in str(body.get_content()).splitlines())
    reply.set_content(f"{text}\n\nOn Tue, 3 Mar 2026, Kestrel Support wrote:\n{quoted}\n")
    name, data = attachment
    reply.add_attachment(data, maintype="image", subtype="png", filename=name)
    return reply.as_bytes()


def test_a_customers_reply_to_our_mail_lands_on_the_same_ticket_in_order_with_its_file(
    app: Tierdesk,
    mail: MailDesk,
    desk: Desk,
    acme: Organisation,
    imap_account: ImapAccount,
    smtp_sink: SmtpSink,
) -> None:
    mailbox = ImapMailbox(
        imap_account.host,
        imap_account.port,
        imap_account.user,
        imap_account.password,
        use_ssl=False,
    )
    imap_account.append(compose_mail(subject="Phones reboot every hour", body="Since 4.0.3."))
    with mailbox:
        fetch_mailbox(mail, mailbox, MAILBOX)
    [ticket] = tickets.list_tickets(desk, SYSTEM, TicketFilter(), 10).tickets
    number = ticket.number or ""
    add_message(desk, make_agent(desk), number, MessageKind.PUBLIC_REPLY, text="Which model?")
    send_pending(sender_to(app, smtp_sink))
    our_reply = smtp_sink.received[-1].message
    assert our_reply["Subject"] == f"Re: [{number}] Phones reboot every hour"

    imap_account.append(
        _reply_to(our_reply, "DeskPhone 300, screenshot attached.", ("model.png", tiny_png()))
    )
    with mailbox:
        report = fetch_mailbox(mail, mailbox, MAILBOX)

    assert report.outcomes["stored"] == 1
    thread = tickets.get_ticket(desk, SYSTEM, number).messages
    assert [m.kind for m in thread] == [
        MessageKind.CUSTOMER,
        MessageKind.PUBLIC_REPLY,
        MessageKind.CUSTOMER,
    ]
    answer = thread[-1]
    assert answer.body_text == "DeskPhone 300, screenshot attached."
    assert [(a.filename, a.content_type) for a in answer.attachments] == [
        ("model.png", "image/png")
    ]
    assert desk.files.open(answer.attachments[0].storage_key) == tiny_png()
    assert [m.created_at for m in thread] == sorted(m.created_at for m in thread)
