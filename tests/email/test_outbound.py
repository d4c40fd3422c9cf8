"""Outgoing mail through a real SMTP server (aiosmtpd on loopback): threading headers, the
ticket number, the customer's language, text plus HTML, attachments, back-off while the relay is
down, and never a mail twice."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from tests.email.conftest import deliver, sender_to
from tests.email.servers import SmtpSink
from tests.factories import make_agent, make_contact
from tests.services.support import tiny_png
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.mail_outbox import mail_outbox
from tierdesk.adapters.email.smtp import SmtpTransport
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.outbound import OutboxStatus, OutgoingEmail
from tierdesk.domain.people import Organisation, Role
from tierdesk.errors import ConfigurationError, PermissionDeniedError
from tierdesk.mail_bootstrap import mail_sender
from tierdesk.services import advisories, catalog, installed_base, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import NewAttachment, add_message, build_message
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk
from tierdesk.services.mail_admin import list_outbox
from tierdesk.services.mail_outbox import send_pending


def _outbox(app: Tierdesk) -> list[tuple[str, str, int]]:
    c = mail_outbox.c
    with app.engine.connect() as connection:
        rows = connection.execute(select(c.kind, c.status, c.attempts).order_by(c.id))
        return [(str(k), str(s), int(a)) for k, s, a in rows]


def _parts(message: EmailMessage) -> dict[str, str]:
    found = {}
    for part in message.walk():
        if part.get_content_maintype() == "text" and part.get_filename() is None:
            found[part.get_content_subtype()] = str(part.get_content())
    return found


def test_a_solved_ticket_mails_the_customer_nothing_of_its_internal_resolution(
    app: Tierdesk, mail: MailDesk, desk: Desk, smtp_sink: SmtpSink
) -> None:
    opened = deliver(mail, "new_request_plain.eml")
    number = opened.ticket_number or ""
    agent = make_agent(desk)
    add_message(desk, agent, number, MessageKind.PUBLIC_REPLY, text="Please restart the phone.")
    tickets.solve_ticket(desk, agent, number, "INTERNAL-ONLY: reset it in the lab first")

    send_pending(sender_to(app, smtp_sink))

    mails = [r.message.as_string() for r in smtp_sink.received]
    assert len(mails) == 2  # the acknowledgement and the reply
    assert not any("INTERNAL-ONLY" in m for m in mails)


def test_an_agents_reply_is_mailed_with_threading_headers_ticket_number_text_html_and_files(
    app: Tierdesk, mail: MailDesk, desk: Desk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    opened = deliver(mail, "new_request_plain.eml")
    number = opened.ticket_number or ""
    agent = make_agent(desk)
    add_message(
        desk,
        agent,
        number,
        MessageKind.PUBLIC_REPLY,
        text="Please send a capture <with> the SIP trace.",
        attachments=[NewAttachment("howto.png", tiny_png(), "image/png")],
    )

    report = send_pending(sender_to(app, smtp_sink))

    assert (report.sent, report.failed) == (2, 0)  # the acknowledgement and the reply
    acknowledgement, reply = (r.message for r in smtp_sink.received)
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    assert (
        acknowledgement["Subject"] == f"[{number}] One-way audio on all external calls since Monday"
    )
    assert reply["Auto-Submitted"] is None
    assert reply["Subject"] == f"Re: [{number}] One-way audio on all external calls since Monday"
    assert reply["To"] == "Max Weber <max.weber@acme.example>"
    assert reply["From"] == "Kestrel Support <support@desk.test>"
    assert reply["X-Tierdesk-Ticket"] == number
    customer_id = "<20260302085509.GA4711@acme.example>"
    assert reply["Message-ID"].endswith("@desk.test>")
    assert reply["Message-ID"] != acknowledgement["Message-ID"]
    assert reply["In-Reply-To"] == acknowledgement["Message-ID"]
    assert str(reply["References"]).split() == [customer_id, acknowledgement["Message-ID"]]
    text = _parts(reply)
    assert "Please send a capture <with> the SIP trace." in text["plain"]
    assert "##- Please type your reply above this line -##" in text["plain"]
    assert "Please send a capture &lt;with&gt; the SIP trace." in text["html"]
    [attachment] = list(reply.iter_attachments())
    assert attachment.get_filename() == "howto.png"
    assert attachment.get_content() == tiny_png()
    assert _outbox(app) == [("acknowledgement", "sent", 1), ("reply", "sent", 1)]
    events = [e.action for e in tickets.ticket_events(desk, agent, number)]
    assert events.count("mail.sent") == 2


def test_the_acknowledgement_is_written_in_the_customers_language(
    app: Tierdesk, mail: MailDesk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    deliver(mail, "multipart_alternative.eml")  # Content-Language: de-DE

    send_pending(sender_to(app, smtp_sink))

    [acknowledgement] = (r.message for r in smtp_sink.received)
    text = _parts(acknowledgement)["plain"]
    assert "Guten Tag Jana Schulz," in text
    assert "das Ticket TD-" in text
    assert "Bitte geben Sie Ihre Antwort über dieser Zeile ein" in text


def test_replies_on_tickets_opened_elsewhere_reach_the_requester_too(
    app: Tierdesk, desk: Desk, smtp_sink: SmtpSink
) -> None:
    contact = make_contact(desk, language="fr")
    ticket = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="Portail", body_text="Le portail est lent.")
    )
    add_message(desk, make_agent(desk), ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Merci.")

    send_pending(sender_to(app, smtp_sink))

    [reply] = smtp_sink.received
    assert reply.rcpt_tos == [contact.email]
    assert (
        "Veuillez écrire votre réponse au-dessus de cette ligne" in _parts(reply.message)["plain"]
    )


def test_a_restricted_diagnostic_on_a_public_reply_is_not_mailed_to_the_customer(
    app: Tierdesk, desk: Desk, smtp_sink: SmtpSink
) -> None:
    contact = make_contact(desk)
    ticket = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="Drops", body_text="Calls drop.")
    )
    add_message(
        desk,
        make_agent(desk, tiers=[2]),
        ticket.id or 0,
        MessageKind.PUBLIC_REPLY,
        text="Found it.",
        attachments=[
            NewAttachment("capture.pcap", b"RESTRICTED", restricted=True),
            NewAttachment("howto.png", tiny_png(), "image/png"),
        ],
    )

    send_pending(sender_to(app, smtp_sink))

    [reply] = smtp_sink.received
    assert [a.get_filename() for a in reply.message.iter_attachments()] == ["howto.png"]


def test_while_the_relay_is_down_mail_waits_with_growing_back_off_then_goes_once(
    app: Tierdesk, desk: Desk, clock: FixedClock, smtp_sink: SmtpSink
) -> None:
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="Down", body_text="Help")
    )
    add_message(desk, make_agent(desk), ticket.id or 0, MessageKind.PUBLIC_REPLY, text="On it.")
    sender = sender_to(app, smtp_sink)
    smtp_sink.stop()

    first = send_pending(sender)
    too_early = send_pending(sender)
    clock.advance(timedelta(seconds=61))
    second = send_pending(sender)
    clock.advance(timedelta(seconds=61))
    still_waiting = send_pending(sender)
    smtp_sink.start()
    clock.advance(timedelta(seconds=60))
    third = send_pending(sender)
    after = send_pending(sender)

    assert (first.retrying, too_early.retrying, second.retrying) == (1, 0, 1)
    assert still_waiting.retrying == 0  # the second delay is two minutes
    assert third.sent == 1 and after.sent == 0
    assert len(smtp_sink.received) == 1
    assert _outbox(app) == [("reply", "sent", 3)]


def test_a_permanent_refusal_fails_the_mail_at_once_and_keeps_the_reason(
    app: Tierdesk, desk: Desk, smtp_sink: SmtpSink
) -> None:
    contact = make_contact(desk)
    smtp_sink.handler.refuse.add(contact.email)
    ticket = tickets.open_ticket(desk, contact, tickets.NewTicket(subject="X", body_text="Y"))
    add_message(desk, make_agent(desk), ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Z")

    report = send_pending(sender_to(app, smtp_sink))

    assert (report.failed, report.retrying) == (1, 0)
    with desk.uow() as uow:
        [failed] = uow.mail_outbox.find([OutboxStatus.FAILED])
    assert failed.last_error is not None and "550" in failed.last_error


def test_two_senders_at_once_send_every_mail_exactly_once(
    app: Tierdesk, desk: Desk, smtp_sink: SmtpSink
) -> None:
    contact = make_contact(desk)
    agent = make_agent(desk)
    ticket = tickets.open_ticket(desk, contact, tickets.NewTicket(subject="Busy", body_text="Y"))
    for n in range(24):
        add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, text=f"Update {n}")
    senders = [sender_to(app, smtp_sink), sender_to(app, smtp_sink)]
    reports = []
    start = threading.Barrier(2)

    def run(index: int) -> None:
        start.wait()
        reports.append(send_pending(senders[index], batch=3))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.sent for r in reports) == 24
    ids = [r.message["Message-ID"] for r in smtp_sink.received]
    assert len(ids) == 24 == len(set(ids))
    updates = [re.findall(r"Update \d+", _parts(r.message)["plain"]) for r in smtp_sink.received]
    assert sorted(u for found in updates for u in found) == sorted(f"Update {n}" for n in range(24))


class _CrashAfterRelaying:
    """The real relay accepts the mail, then the sending process dies before recording it."""

    def __init__(self, relay: SmtpTransport) -> None:
        self.relay = relay

    def send(self, outgoing: OutgoingEmail) -> None:
        self.relay.send(outgoing)
        raise KeyboardInterrupt


def test_after_a_crash_mid_send_the_mail_is_retried_only_after_its_lease_with_the_same_id(
    app: Tierdesk, desk: Desk, clock: FixedClock, smtp_sink: SmtpSink
) -> None:
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="Crash", body_text="Y")
    )
    add_message(desk, make_agent(desk), ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Hi")
    relay = SmtpTransport("127.0.0.1", smtp_sink.port, timeout=5)
    crashing = mail_sender(app, _CrashAfterRelaying(relay))
    with pytest.raises(KeyboardInterrupt):
        send_pending(crashing)

    while_leased = send_pending(sender_to(app, smtp_sink))
    clock.advance(timedelta(minutes=6))
    after_lease = send_pending(sender_to(app, smtp_sink))

    assert while_leased.sent == 0 and after_lease.sent == 1
    first, second = (r.message["Message-ID"] for r in smtp_sink.received)
    assert first == second
    assert _outbox(app) == [("reply", "sent", 2)]


def test_without_a_sender_address_the_desk_refuses_to_send(app: Tierdesk) -> None:
    app.settings.mail.from_address = None

    with pytest.raises(ConfigurationError, match="TIERDESK_MAIL__FROM_ADDRESS"):
        mail_sender(app)


def test_the_outbox_is_listed_for_admins_only(app: Tierdesk, desk: Desk) -> None:
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="Q", body_text="Y")
    )
    add_message(desk, make_agent(desk), ticket.id or 0, MessageKind.PUBLIC_REPLY, text="A")

    pending = list_outbox(desk, SYSTEM, [OutboxStatus.PENDING])

    assert [i.status for i in pending] == [OutboxStatus.PENDING]
    with pytest.raises(PermissionDeniedError):
        list_outbox(desk, make_agent(desk, role=Role.LEAD), [])


def test_two_public_replies_added_in_one_transaction_are_both_queued(
    app: Tierdesk, desk: Desk
) -> None:
    agent = make_agent(desk)
    ticket = tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="Two", body_text="Y")
    )
    with desk.uow() as uow:
        stored = uow.tickets.get(ticket.id or 0)
        assert stored is not None
        for text in ("First answer.", "Second answer."):
            reply = build_message(
                desk,
                agent,
                MessageKind.PUBLIC_REPLY,
                text=text,
                html=None,
                channel=Channel.API,
                attachments=[],
                at=desk.clock.now(),
            )
            stored.add_message(reply, agent)
        uow.commit()

    assert _outbox(app) == [("reply", "pending", 0), ("reply", "pending", 0)]
    with desk.uow() as uow:
        queued = uow.mail_outbox.find([OutboxStatus.PENDING])
    assert len({item.message_id for item in queued}) == 2


def test_an_upgrade_advisory_s_notice_is_mailed_in_the_contact_s_language_without_a_ticket(
    app: Tierdesk, acme: Organisation, smtp_sink: SmtpSink
) -> None:
    desk = app.desk
    catalog.create_product(
        desk, SYSTEM, catalog.NewProduct("Kestrel SBC", "sbc", versions=[("5.2.1", None)])
    )
    installed_base.add_item(
        desk, SYSTEM, acme.id or 0, installed_base.ItemInput("sbc", version="5.2.1")
    )
    contact = make_contact(desk, organisation=acme, language="de")
    advisories.create_advisory(
        desk,
        make_agent(desk, tiers=[1], role=Role.LEAD),
        advisories.AdvisoryInput(
            "sbc",
            "5.2.1",
            "end-of-support",
            "Bitte aktualisieren.",
            end_of_support=date(2026, 1, 31),
        ),
    )

    report = send_pending(sender_to(app, smtp_sink))

    assert report.sent == 1
    [notice] = (r.message for r in smtp_sink.received)
    assert contact.email in notice["To"]
    assert notice["Subject"] == "Upgrade-Empfehlung: Kestrel SBC 5.2.1"
    text = _parts(notice)["plain"]
    assert f"Guten Tag {contact.name}," in text
    assert "Der Support für diese Version endet am 31.01.2026." in text
    assert "Bitte aktualisieren." in text
