"""Outgoing mail: handlers that put mail in the outbox inside the transaction that caused it
(an agent's public reply; a ticket opened by e-mail), and the sender that delivers it.

Never twice: a sender first claims rows in a transaction of its own (on PostgreSQL with
``FOR UPDATE SKIP LOCKED``; on SQLite writers are serialised), marking them "sending" with a
lease; only then does it talk to the relay, and it records the result afterwards. A failure is
retried with exponential back-off; a permanent refusal, or running out of attempts, marks the
mail failed. The one gap no mail system closes is a crash after the relay accepted a message and
before the desk recorded it: after the lease the message is sent again, with the same
Message-ID, which mail clients show once.

Sending is background work (``mail.send``): when the desk has a sender address configured
(``Desk.mail_out``), queueing a mail also schedules a ``mail.send`` job in the same
transaction, and the job runs every minute as well for retries that come due. So
``tierdesk serve`` (its job thread on SQLite) and ``tierdesk worker`` deliver the outbox;
``tierdesk mail send-pending`` remains for sending by hand or from cron.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.customer_texts import customer_language, customer_text
from tierdesk.domain.imports import is_placeholder_email
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.outbound import (
    DeliveryFailedError,
    OutboundPolicy,
    OutboxItem,
    OutboxStatus,
    OutgoingAttachment,
    OutgoingEmail,
    OutgoingKind,
    ReplyContent,
    compose,
    compose_notice,
    new_message_id,
    retry_delay,
)
from tierdesk.domain.people import SystemActor
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import MailTransport, UnitOfWork
from tierdesk.services.access import access_ticket
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS, enqueue
from tierdesk.services.side_conversation_mail import compose_side_mail

logger = logging.getLogger(__name__)

MAILER = SystemActor(name="mailer")
SEND_TASK = "mail.send"


# -- queueing (event handlers) ---------------------------------------------------------------


def _queue(
    uow: UnitOfWork,
    desk: Desk,
    ticket: Ticket,
    kind: OutgoingKind,
    event: AuditEvent,
    message_id: int | None,
) -> None:
    assert ticket.id is not None
    requester = uow.contacts.get(ticket.requester_id)
    if requester is None or not requester.active:
        return
    if is_placeholder_email(requester.email):
        return  # someone imported without an address (domain/imports.py): nobody to mail
    if uow.mail_outbox.exists(ticket.id, kind, message_id):
        return  # a handler round that saw this event twice must not queue it twice
    # The ticket's language (what the customer wrote in, or chose) before the contact's.
    language = customer_language(ticket.language, requester.language)
    uow.mail_outbox.add(ticket.id, kind, requester.email, language, event.at, message_id)
    if desk.mail_out is not None:  # send it now, not at the next minute's run
        enqueue(uow, SEND_TASK, at=event.at)


def queue_public_reply(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """An agent's public reply goes to the requester by mail, whatever channel the ticket came
    by: every contact has an address."""
    if event.changes.get("kind") != str(MessageKind.PUBLIC_REPLY):
        return
    assert ticket.id is not None
    # The event names no message id; it is the newest public reply of that moment and text that
    # is not queued yet (two replies added in one transaction raise two events).
    for message in reversed(ticket.messages):
        if (
            message.kind is MessageKind.PUBLIC_REPLY
            and message.created_at == event.at
            and message.body_text[:160] == event.changes.get("excerpt")
            and message.id is not None
            and not uow.mail_outbox.exists(ticket.id, OutgoingKind.REPLY, message.id)
        ):
            _queue(uow, desk, ticket, OutgoingKind.REPLY, event, message.id)
            return


def queue_acknowledgement(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """Mail that opened a ticket is acknowledged with its number, so that replies thread."""
    if ticket.channel is Channel.EMAIL:
        _queue(uow, desk, ticket, OutgoingKind.ACKNOWLEDGEMENT, event, None)


# -- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailSender:
    desk: Desk
    policy: OutboundPolicy
    transport: MailTransport


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0

    def describe(self) -> str:
        return (
            f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed, "
            f"{self.skipped} skipped"
        )


class _NothingToSendError(Exception):
    """The outbox row no longer describes a mail worth sending (say, the message is gone)."""


def send_pending(sender: MailSender, *, batch: int = 20) -> SendReport:
    """Deliver every mail that is due now; returns what happened."""
    report = SendReport()
    seen: set[int] = set()
    while True:
        prepared = _claim(sender, batch, report)
        fresh = [(item, mail) for item, mail in prepared if item.id not in seen]
        if not prepared:
            return report
        for item, outgoing in fresh:
            seen.add(item.id)
            if outgoing is not None:
                _deliver(sender, item, outgoing, report)
        if not fresh:
            return report  # only mail this run already tried: leave it to the next run


@TASKS.every(timedelta(minutes=1), name=SEND_TASK)
def send_task(desk: Desk, _payload: dict[str, Any]) -> None:
    """Deliver the due outbox (new mail, retries whose back-off ran out). Nothing without a
    sender address: the mail waits, and `tierdesk mail send-pending` says what is missing."""
    if desk.mail_out is None:
        return
    report = send_pending(MailSender(desk, desk.mail_out.policy, desk.mail_out.transport))
    if report.sent or report.failed or report.retrying:
        logger.info("mail: %s", report.describe())


def _claim(
    sender: MailSender, batch: int, report: SendReport
) -> list[tuple[OutboxItem, OutgoingEmail | None]]:
    desk, policy = sender.desk, sender.policy
    with desk.uow() as uow:
        now = desk.clock.now()
        prepared: list[tuple[OutboxItem, OutgoingEmail | None]] = []
        for item in uow.mail_outbox.claim(now, now + policy.lease, batch):
            try:
                prepared.append((item, _compose(uow, sender, item)))
            except _NothingToSendError as why:
                uow.mail_outbox.finish(item.id, OutboxStatus.SKIPPED, error=str(why))
                report.skipped += 1
                prepared.append((item, None))
        uow.commit()
        return prepared


def _compose(uow: UnitOfWork, sender: MailSender, item: OutboxItem) -> OutgoingEmail:
    desk, policy = sender.desk, sender.policy
    if item.kind is OutgoingKind.SIDE_CONVERSATION:  # its own reference, never the ticket's
        side = compose_side_mail(uow, desk, policy, item)
        if side is None:
            raise _NothingToSendError("the side conversation's message is gone")
        return side
    if item.kind is OutgoingKind.ACKNOWLEDGEMENT and not policy.acknowledge_new_tickets:
        raise _NothingToSendError("acknowledgements are switched off")
    if item.ticket_id is None:
        return _compose_notice(uow, sender, item)
    ticket = access_ticket(uow, MAILER, item.ticket_id, desk.ticket_prefix)
    assert ticket.id is not None
    number = ticket.number or str(ticket.id)
    header = item.message_id_header
    if header is None:  # fixed before the first attempt, so every retry carries the same id
        header = new_message_id(number, item.id, secrets.token_hex(6), policy.domain)
        uow.mail_outbox.set_header(item.id, header)
        uow.mail_threads.remember_message_id(header, ticket.id, item.message_id, "out")
    reply = None
    attachments: tuple[OutgoingAttachment, ...] = ()
    if item.kind is OutgoingKind.REPLY:
        message = next((m for m in ticket.messages if m.id == item.message_id), None)
        if message is None or not message.is_public:
            raise _NothingToSendError("the reply is no longer on the ticket")
        # The desk's own replies (the answerer) are signed with what they are, in the
        # customer's words, not with the system actor's English name.
        author = (
            customer_text(item.language, "answer.author")
            if message.author_kind == "system"
            else message.author_name
        )
        reply = ReplyContent(message.body_text, message.body_html, author)
        # Mail goes to the customer, who may not read restricted diagnostics an agent attached
        # (domain.visibility): those stay on the desk, as they do in the portal.
        attachments = tuple(
            OutgoingAttachment(a.filename, a.content_type, desk.files.open(a.storage_key))
            for a in message.attachments
            if not a.restricted
        )
    requester = uow.contacts.get(ticket.requester_id)
    return compose(
        item,
        policy,
        message_id=header,
        ticket_number=number,
        ticket_subject=ticket.subject,
        recipient_name=requester.name if requester else item.to_address,
        reply=reply,
        thread=uow.mail_threads.thread_of(ticket.id),
        attachments=attachments,
        # The CCs as they are when the mail leaves (a retry copies whom the ticket copies then).
        cc=tuple(ticket.ccs),
    )


def _compose_notice(uow: UnitOfWork, sender: MailSender, item: OutboxItem) -> OutgoingEmail:
    """A notice about no ticket (an upgrade advisory): threaded into nothing."""
    header = item.message_id_header
    if header is None:
        header = new_message_id("notice", item.id, secrets.token_hex(6), sender.policy.domain)
        uow.mail_outbox.set_header(item.id, header)
    contact = uow.contacts.get_by_email(item.to_address)
    name = contact.name if contact is not None else item.to_address
    return compose_notice(item, sender.policy, message_id=header, recipient_name=name)


def _deliver(
    sender: MailSender, item: OutboxItem, outgoing: OutgoingEmail, report: SendReport
) -> None:
    desk, policy = sender.desk, sender.policy
    try:
        sender.transport.send(outgoing)
    except DeliveryFailedError as failure:
        with desk.uow() as uow:
            now = desk.clock.now()
            if failure.permanent or item.attempts >= policy.max_attempts:
                uow.mail_outbox.finish(item.id, OutboxStatus.FAILED, error=str(failure))
                _audit(uow, item, "mail.failed", now, str(failure))
                report.failed += 1
            else:
                uow.mail_outbox.finish(
                    item.id,
                    OutboxStatus.PENDING,
                    next_attempt_at=now + retry_delay(item.attempts, policy),
                    error=str(failure),
                )
                report.retrying += 1
            uow.commit()
        return
    with desk.uow() as uow:
        now = desk.clock.now()
        uow.mail_outbox.finish(item.id, OutboxStatus.SENT, sent_at=now)
        _audit(uow, item, "mail.sent", now, None, outgoing.message_id)
        uow.commit()
    report.sent += 1


def _audit(
    uow: UnitOfWork,
    item: OutboxItem,
    action: str,
    at: datetime,
    error: str | None,
    message_id: str | None = None,
) -> None:
    changes: dict[str, object] = {"to": item.to_address, "kind": str(item.kind)}
    if message_id:
        changes["message_id"] = message_id
    event = audit_event(
        "ticket" if item.ticket_id is not None else "mail",
        action,
        MAILER,
        at,
        subject_id=item.ticket_id,
        changes=changes,
        reason=error,
    )
    event.ticket_id = item.ticket_id
    uow.audit.add(event)
