"""Intake rules against the real database: threading, exactly-once, unknown senders, closed
tickets, rate limits, bounces and the quarantine."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from tests.email.builders import compose_mail, new_message_id
from tests.email.conftest import MAILBOX, deliver, fixture_bytes
from tests.factories import make_agent
from tierdesk.adapters.db.mail import inbound_emails, mail_bounces
from tierdesk.adapters.db.mail_outbox import mail_outbox
from tierdesk.adapters.db.tables import audit_events
from tierdesk.adapters.email.parse import EmailReader
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.inbound import InboundOutcome, ReplyToClosedPolicy, UnknownSenderPolicy
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Organisation, Role
from tierdesk.domain.tickets import LinkKind, Status
from tierdesk.services import tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk
from tierdesk.services.mail import MailDesk, MailSource, receive_email
from tierdesk.services.mail_admin import list_quarantine, reprocess


def _count(app: Tierdesk, table: object, *where: object) -> int:
    query = select(func.count()).select_from(table)  # type: ignore[arg-type]
    for clause in where:
        query = query.where(clause)  # type: ignore[arg-type]
    with app.engine.connect() as connection:
        return int(connection.scalar(query) or 0)


def test_the_same_mail_delivered_twice_or_to_two_of_our_mailboxes_is_stored_once(
    mail: MailDesk, app: Tierdesk, acme: Organisation
) -> None:
    message_id = new_message_id()
    via_support = compose_mail(
        message_id=message_id,
        to="support@desk.test, sales@desk.test",
        received="from mx1.acme.example by mail.desk.test; for <support@desk.test>",
    )
    via_sales = compose_mail(
        message_id=message_id,
        to="support@desk.test, sales@desk.test",
        received="from mx1.acme.example by mail.desk.test; for <sales@desk.test>",
    )

    first = receive_email(mail, via_support, MAILBOX)
    again = receive_email(mail, via_support, MAILBOX)
    other_box = receive_email(mail, via_sales, MailSource("sales"))

    assert first.outcome is InboundOutcome.STORED and not first.duplicate
    assert again.duplicate and again.ticket_number == first.ticket_number
    assert other_box.duplicate and other_box.inbound_id == first.inbound_id
    assert _count(app, inbound_emails) == 1
    ticket = tickets.get_ticket(mail.desk, SYSTEM, first.ticket_number or "")
    assert len(ticket.messages) == 1


def test_two_different_mails_that_share_a_message_id_are_both_kept(
    mail: MailDesk, acme: Organisation
) -> None:
    reused = new_message_id()

    one = receive_email(mail, compose_mail(message_id=reused, body="First problem."), MAILBOX)
    two = receive_email(mail, compose_mail(message_id=reused, body="Second problem."), MAILBOX)

    assert not one.duplicate and not two.duplicate
    assert one.inbound_id != two.inbound_id


def test_a_reply_is_threaded_by_references_then_by_the_ticket_number_never_by_subject_text(
    mail: MailDesk, acme: Organisation
) -> None:
    first_id = new_message_id()
    opened = receive_email(mail, compose_mail(message_id=first_id, subject="No dial tone"), MAILBOX)
    number = opened.ticket_number or ""

    by_reference = receive_email(
        mail,
        compose_mail(subject="Something else entirely", references=["<unknown@x>", first_id]),
        MAILBOX,
    )
    by_number = receive_email(
        mail, compose_mail(subject=f"Re: [{number}] No dial tone", body="Still broken."), MAILBOX
    )
    by_subject_only = receive_email(
        mail, compose_mail(subject="Re: No dial tone", body="A new problem?"), MAILBOX
    )

    assert by_reference.ticket_number == number
    assert by_number.ticket_number == number
    assert by_subject_only.ticket_number not in (None, number)


def test_a_ticket_number_of_another_organisation_does_not_let_a_stranger_write_to_it(
    mail: MailDesk, acme: Organisation, globex: Organisation
) -> None:
    acme_ticket = receive_email(mail, compose_mail(subject="Acme's secret"), MAILBOX)
    number = acme_ticket.ticket_number or ""

    stranger = receive_email(
        mail,
        compose_mail(sender="mallory@globex.example", subject=f"Re: [{number}] let me in"),
        MAILBOX,
    )

    assert stranger.ticket_number != number
    assert len(tickets.get_ticket(mail.desk, SYSTEM, number).messages) == 1


def test_quoting_another_organisations_message_id_does_not_let_a_stranger_write_to_its_ticket(
    mail: MailDesk, acme: Organisation, globex: Organisation
) -> None:
    first_id = new_message_id()
    acme_ticket = receive_email(mail, compose_mail(message_id=first_id), MAILBOX)
    number = acme_ticket.ticket_number or ""

    stranger = receive_email(
        mail,
        compose_mail(sender="mallory@globex.example", subject="Hello", references=[first_id]),
        MAILBOX,
    )

    assert stranger.ticket_number != number
    assert len(tickets.get_ticket(mail.desk, SYSTEM, number).messages) == 1


def test_a_colleagues_forward_with_the_ticket_number_stays_on_the_ticket(
    mail: MailDesk, acme: Organisation
) -> None:
    opened = receive_email(mail, compose_mail(subject="Fax line dead"), MAILBOX)
    number = opened.ticket_number or ""

    forward = receive_email(
        mail,
        compose_mail(
            sender="Anna Keller <anna.keller@acme.example>",
            subject=f"Fwd: [{number}] Fax line dead",
            body="Forwarding what our fax vendor said.\n\n---------- Forwarded message ---------"
            "\nFrom: Vendor\nThe line is fine on our side.",
        ),
        MAILBOX,
    )

    assert forward.ticket_number == number
    message = tickets.get_ticket(mail.desk, SYSTEM, number).messages[-1]
    assert "The line is fine on our side." in message.body_text


def test_a_reply_to_a_solved_ticket_reopens_it_or_opens_a_follow_up_as_configured(
    mail: MailDesk, desk: Desk, acme: Organisation
) -> None:
    agent = make_agent(desk)
    for policy in ReplyToClosedPolicy:
        first_id = new_message_id()
        number = receive_email(mail, compose_mail(message_id=first_id), MAILBOX).ticket_number
        assert number is not None
        tickets.solve_ticket(desk, agent, number, "Rebooted the SBC.")
        chosen = dataclasses.replace(
            mail, policy=dataclasses.replace(mail.policy, reply_to_closed=policy)
        )

        reply = receive_email(
            chosen, compose_mail(in_reply_to=first_id, body="It is back."), MAILBOX
        )

        if policy is ReplyToClosedPolicy.REOPEN:
            assert reply.ticket_number == number
            assert tickets.get_ticket(desk, SYSTEM, number).status is Status.OPEN
        else:
            assert reply.ticket_number != number
            follow_up = tickets.get_ticket(desk, SYSTEM, reply.ticket_number or "")
            old = tickets.get_ticket(desk, SYSTEM, number)
            assert [(lk.kind, lk.target_ticket_id) for lk in follow_up.links] == [
                (LinkKind.RELATED, old.id)
            ]
            assert old.status is Status.SOLVED


def test_a_reply_to_a_closed_ticket_always_opens_a_linked_follow_up(
    mail: MailDesk, desk: Desk, acme: Organisation
) -> None:
    agent = make_agent(desk)
    first_id = new_message_id()
    number = receive_email(mail, compose_mail(message_id=first_id), MAILBOX).ticket_number or ""
    tickets.solve_ticket(desk, agent, number, "Fixed.")
    tickets.close_ticket(desk, agent, number, None)

    reply = receive_email(mail, compose_mail(in_reply_to=first_id, body="Broken again."), MAILBOX)

    assert reply.outcome is InboundOutcome.STORED and reply.ticket_number != number
    follow_up = tickets.get_ticket(desk, SYSTEM, reply.ticket_number or "")
    assert follow_up.links[0].kind is LinkKind.RELATED
    assert follow_up.messages[0].body_text == "Broken again."


def test_a_reply_to_a_merged_ticket_lands_on_the_ticket_it_was_merged_into(
    mail: MailDesk, desk: Desk, acme: Organisation
) -> None:
    agent = make_agent(desk, role=Role.LEAD)
    first_id = new_message_id()
    merged = receive_email(mail, compose_mail(message_id=first_id), MAILBOX).ticket_number or ""
    survivor = receive_email(mail, compose_mail(subject="Same issue"), MAILBOX).ticket_number or ""
    tickets.merge_tickets(desk, agent, merged, survivor, "same outage")

    reply = receive_email(mail, compose_mail(in_reply_to=first_id, body="Any news?"), MAILBOX)

    assert reply.ticket_number == survivor


def test_unknown_senders_are_created_in_the_organisation_of_their_domain(
    mail: MailDesk, desk: Desk, app: Tierdesk, acme: Organisation
) -> None:
    receipt = receive_email(
        mail, compose_mail(sender="Neu Person <neu.person@acme.example>"), MAILBOX
    )

    with desk.uow() as uow:
        contact = uow.contacts.get_by_email("neu.person@acme.example")
    assert contact is not None and contact.organisation_id == acme.id
    assert contact.name == "Neu Person"
    assert receipt.outcome is InboundOutcome.STORED
    audit = audit_events.c
    created = (audit.action == "contact.created", audit.subject_id == contact.id)
    assert _count(app, audit_events, *created) == 1


def test_with_the_hold_policy_an_unknown_sender_waits_until_an_admin_approves(
    mail: MailDesk, desk: Desk, app: Tierdesk, acme: Organisation
) -> None:
    holding = dataclasses.replace(
        mail, policy=dataclasses.replace(mail.policy, unknown_senders=UnknownSenderPolicy.HOLD)
    )

    held = receive_email(holding, compose_mail(sender="new@acme.example"), MAILBOX)

    assert held.outcome is InboundOutcome.HELD and held.ticket_number is None
    with desk.uow() as uow:
        assert uow.contacts.get_by_email("new@acme.example") is None
    assert [r.id for r in list_quarantine(desk, SYSTEM)] == [held.inbound_id]

    approved = reprocess(holding, SYSTEM, held.inbound_id)

    assert approved.outcome is InboundOutcome.STORED and approved.ticket_number
    assert list_quarantine(desk, SYSTEM) == []
    with desk.uow() as uow:
        contact = uow.contacts.get_by_email("new@acme.example")
    assert contact is not None and contact.organisation_id == acme.id


def test_a_sender_over_the_rate_limit_is_quarantined_and_can_be_released(
    mail: MailDesk, desk: Desk, acme: Organisation
) -> None:
    strict = dataclasses.replace(
        mail, policy=dataclasses.replace(mail.policy, rate_limit_messages=3)
    )
    receipts = [receive_email(strict, compose_mail(body=f"Message {n}"), MAILBOX) for n in range(4)]

    assert [r.outcome for r in receipts] == [InboundOutcome.STORED] * 3 + [
        InboundOutcome.QUARANTINED
    ]
    assert receipts[-1].reason == "rate-limited"
    released = reprocess(strict, SYSTEM, receipts[-1].inbound_id)
    assert released.outcome is InboundOutcome.STORED


def test_mail_from_an_agent_is_quarantined_not_turned_into_a_customer(
    mail: MailDesk, desk: Desk
) -> None:
    agent = make_agent(desk)

    receipt = receive_email(mail, compose_mail(sender=agent.email), MAILBOX)

    assert (receipt.outcome, receipt.reason) == (InboundOutcome.QUARANTINED, "agent-sender")


def test_an_oversize_attachment_is_quarantined_and_reprocessing_keeps_the_text_with_a_note(
    mail: MailDesk, desk: Desk, app: Tierdesk, acme: Organisation
) -> None:
    small = dataclasses.replace(mail, reader=EmailReader(max_attachment_bytes=1000))
    raw = compose_mail(
        body="The capture is attached.",
        attachments=[("capture.pcap", "application/vnd.tcpdump.pcap", b"\xd4\xc3\xb2\xa1" * 800)],
    )

    receipt = receive_email(small, raw, MAILBOX)

    assert (receipt.outcome, receipt.reason) == (InboundOutcome.QUARANTINED, "oversize")
    released = reprocess(small, SYSTEM, receipt.inbound_id)
    ticket = tickets.get_ticket(desk, SYSTEM, released.ticket_number or "")
    body = ticket.messages[-1].body_text
    assert "The capture is attached." in body
    assert "capture.pcap" in body and "kept only in the original message" in body
    assert ticket.messages[-1].attachments == []


def test_reprocessing_a_quarantined_bad_charset_stores_it_with_replacement_characters(
    mail: MailDesk, desk: Desk, globex: Organisation
) -> None:
    receipt = deliver(mail, "mislabelled_charset.eml")
    assert receipt.reason == "bad-charset"

    released = reprocess(mail, SYSTEM, receipt.inbound_id)

    ticket = tickets.get_ticket(desk, SYSTEM, released.ticket_number or "")
    assert "\ufffd" in ticket.messages[0].body_text
    assert "not valid utf-8" in ticket.messages[0].body_text


def test_a_bounce_is_recorded_against_the_contact_and_the_ticket_it_answers(
    mail: MailDesk, desk: Desk, app: Tierdesk, acme: Organisation
) -> None:
    opened = deliver(mail, "new_request_plain.eml")
    ticket = tickets.get_ticket(desk, SYSTEM, opened.ticket_number or "")
    with desk.uow() as uow:  # the id our notification went out with (see dsn_bounce.eml)
        assert ticket.id is not None
        uow.mail_threads.remember_message_id(
            "<td-1001.1.deadbeef0001@desk.test>", ticket.id, None, "out"
        )
        uow.commit()

    bounce = deliver(mail, "dsn_bounce.eml")

    assert bounce.outcome is InboundOutcome.BOUNCE and bounce.ticket_number == ticket.number
    with desk.uow() as uow:
        contact = uow.contacts.get_by_email("max.weber@acme.example")
        assert contact is not None and contact.id is not None
        bounces = uow.mail.bounces_for(contact.id)
    assert [(b.status, b.action, b.ticket_id) for b in bounces] == [("5.1.1", "failed", ticket.id)]
    assert _count(app, mail_bounces) == 1


def test_mail_that_opens_a_ticket_is_acknowledged_but_automated_mail_never_is(
    mail: MailDesk, app: Tierdesk, acme: Organisation
) -> None:
    deliver(mail, "new_request_plain.eml")
    deliver(mail, "auto_reply_out_of_office.eml")
    deliver(mail, "precedence_bulk_newsletter.eml")

    assert _count(app, mail_outbox) == 1
    assert _count(app, mail_outbox, mail_outbox.c.kind == "acknowledgement") == 1


def test_a_customer_message_by_mail_is_not_mailed_back_but_an_agent_reply_is(
    mail: MailDesk, desk: Desk, app: Tierdesk, acme: Organisation
) -> None:
    opened = deliver(mail, "new_request_plain.eml")
    deliver(mail, "gmail_reply.eml")
    agent = make_agent(desk)
    add_message(desk, agent, opened.ticket_number or "", MessageKind.INTERNAL_NOTE, text="hm")
    add_message(desk, agent, opened.ticket_number or "", MessageKind.PUBLIC_REPLY, text="Try X")

    kinds = _count(app, mail_outbox, mail_outbox.c.kind == "reply")

    assert kinds == 1
    assert _count(app, mail_outbox) == 2  # the acknowledgement and the reply


def test_fixture_bytes_are_kept_verbatim_for_every_quarantine_record(
    mail: MailDesk, desk: Desk
) -> None:
    receipt = deliver(mail, "broken_mime_no_boundary.eml")

    [record] = list_quarantine(desk, SYSTEM)

    assert record.id == receipt.inbound_id and record.reason == "malformed-mime"
    assert desk.files.open(record.raw_key) == fixture_bytes("broken_mime_no_boundary.eml")


def test_a_mail_with_nul_characters_becomes_a_ticket_without_them(
    mail: MailDesk, app: Tierdesk, acme: Organisation
) -> None:
    # PostgreSQL's text cannot hold U+0000, which badly made mail carries in its text (a
    # binary part declared as text, a UTF-16 body read as 8-bit): a NUL carries nothing.
    raw = compose_mail(subject="Phones lose registration", body="Since this morning.")
    raw = raw.replace(b"Since this morning.", b"Since this\x00 morning.\x00")
    raw = raw.replace(b"Subject: Phones lose", b"Subject: Phones\x00 lose")

    received = receive_email(mail, raw, MAILBOX)

    assert received.outcome is InboundOutcome.STORED, received
    assert received.ticket_number is not None
    ticket = tickets.get_ticket(app.desk, SYSTEM, received.ticket_number)
    assert ticket.subject == "Phones lose registration"
    assert ticket.messages[0].body_text == "Since this morning."
