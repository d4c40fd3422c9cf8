"""E-mail intake: one received message becomes a ticket, a message on a ticket, a bounce record,
an ignored auto-reply or a quarantine record — exactly one of them, exactly once.

Exactly once: the message's identity (Message-ID plus a content hash, ``domain/inbound.py``) is
claimed first in the same transaction that stores the result, against a unique key; a second
copy (re-delivered, re-fetched after a crash, or fetched by a second poller at the same moment)
collides and is reported as a duplicate. The IMAP message is marked seen only after that commit.

The SMTP listener splits this in two (``services/mail_intake.py``): the mail is stored as
``received`` first, and processed here after the sender has had its answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.inbound import (
    BounceRecord,
    InboundEmail,
    InboundOutcome,
    InboundRecord,
    InboundResult,
    MailPolicy,
    QuarantineReason,
    UnknownSenderPolicy,
    UnreadableEmailError,
    automated_reason,
    over_rate_limit,
    split_reply,
)
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError, TooLargeError
from tierdesk.ports import EmailReader, MailboxReader, UnitOfWork
from tierdesk.services.access import desk_ticket
from tierdesk.services.desk import Desk
from tierdesk.services.mail_threading import (
    INTAKE,
    MailSource,
    deliver_to_ticket,
    sender_contact,
)
from tierdesk.services.side_conversation_mail import receive_side_reply


@dataclass(frozen=True)
class MailDesk:
    """What intake is handed: the desk, the parser, the rules, and the configured sources."""

    desk: Desk
    reader: EmailReader
    policy: MailPolicy
    sources: dict[str, MailSource] = field(default_factory=dict)

    def source(self, name: str) -> MailSource:
        return self.sources.get(name, MailSource(name))


@dataclass(frozen=True)
class Receipt:
    inbound_id: int
    outcome: InboundOutcome
    duplicate: bool = False
    ticket_number: str | None = None
    reason: str | None = None


def receive_email(mail: MailDesk, raw: bytes, source: MailSource) -> Receipt:
    identity = mail.reader.identify(raw)
    desk = mail.desk
    with desk.uow() as uow:
        existing = uow.mail.find_inbound(identity)
        if existing is not None:
            return receipt_for(uow, existing, duplicate=True)
        raw_key = desk.files.put(raw, "message/rfc822", "message.eml").storage_key
        now = desk.clock.now()
        try:
            record_id = uow.mail.add_inbound(source.name, identity, len(raw), raw_key, now)
        except ConflictError:
            pass  # stored by someone else meanwhile; this transaction is spoiled: read anew
        else:
            processed = process_inbound(uow, mail, raw, source, record_id, now, reprocess=False)
            uow.mail.finish_inbound(record_id, processed.result, now)
            uow.commit()
            stored = uow.mail.get_inbound(record_id)
            assert stored is not None
            return receipt_for(uow, stored, duplicate=False)
    with desk.uow() as uow:
        existing = uow.mail.find_inbound(identity)
        if existing is None:
            raise ConflictError("the message collided with a copy that then vanished; retry")
        return receipt_for(uow, existing, duplicate=True)


def set_aside(mail: MailDesk, record_id: int, detail: str) -> bool:
    """Quarantine an accepted message that processing keeps failing on, so that it stops
    holding up the mail behind it and an admin sees it (and can reprocess it once the cause is
    fixed). False when it is no longer waiting."""
    desk = mail.desk
    with desk.uow() as uow:
        if not uow.mail.claim_received(record_id):
            return False
        record = uow.mail.get_inbound(record_id)
        assert record is not None
        try:
            email = _best_reading(mail, desk.files.open(record.raw_key))
        except NotFoundError:
            email = None
        result = _quarantined(QuarantineReason.PROCESSING_FAILED, detail, email)
        uow.mail.finish_inbound(record_id, result, desk.clock.now())
        uow.commit()
        return True


def receipt_for(uow: UnitOfWork, record: InboundRecord, *, duplicate: bool) -> Receipt:
    ticket = (
        desk_ticket(uow, record.ticket_id, why="mail receipt")
        if record.ticket_id is not None
        else None
    )
    return Receipt(
        inbound_id=record.id,
        outcome=record.outcome,
        duplicate=duplicate,
        ticket_number=ticket.number if ticket else None,
        reason=record.reason,
    )


@dataclass
class FetchReport:
    fetched: int = 0
    duplicates: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        parts = [f"{count} {outcome}" for outcome, count in sorted(self.outcomes.items())]
        if self.duplicates:
            parts.append(f"{self.duplicates} already stored")
        return f"{self.fetched} fetched" + (": " + ", ".join(parts) if parts else "")


def fetch_mailbox(mail: MailDesk, mailbox: MailboxReader, source: MailSource) -> FetchReport:
    """Store every unseen message of an open mailbox, oldest first; mark each seen only once
    its transaction has committed."""
    report = FetchReport()
    for uid in mailbox.unseen():
        raw = mailbox.fetch(uid)
        if raw is None:
            continue  # expunged by someone else since the search
        receipt = receive_email(mail, raw, source)
        mailbox.mark_seen(uid)
        report.fetched += 1
        if receipt.duplicate:
            report.duplicates += 1
        else:
            report.outcomes[str(receipt.outcome)] += 1
    return report


# -- processing one message ------------------------------------------------------------------


def _quarantined(
    reason: QuarantineReason, detail: str, email: InboundEmail | None = None
) -> InboundResult:
    return InboundResult(
        InboundOutcome.QUARANTINED,
        reason=str(reason),
        detail=detail,
        from_address=email.from_address if email else "",
        subject=email.subject if email else "",
    )


@dataclass(frozen=True)
class Processed:
    result: InboundResult
    # The ticket the mail went to, held until the commit: the session keeps flushed objects
    # only weakly, and the ticket's audit events wait on it to be stored.
    ticket: Ticket | None = None


def process_inbound(
    uow: UnitOfWork,
    mail: MailDesk,
    raw: bytes,
    source: MailSource,
    record_id: int,
    now: datetime,
    *,
    reprocess: bool,
) -> Processed:
    """Decide and apply what one message becomes. ``reprocess`` is an admin's second look at a
    quarantined or held message: it reads leniently, skips the rate limit and approves an
    unknown sender."""
    decided = _decide(uow, mail, raw, source, record_id, now, reprocess=reprocess)
    if isinstance(decided, tuple):
        return Processed(*decided)
    return Processed(decided)


def _decide(
    uow: UnitOfWork,
    mail: MailDesk,
    raw: bytes,
    source: MailSource,
    record_id: int,
    now: datetime,
    *,
    reprocess: bool,
) -> InboundResult | tuple[InboundResult, Ticket]:
    policy = mail.policy
    if len(raw) > policy.max_message_bytes and not reprocess:
        return _quarantined(
            QuarantineReason.OVERSIZE,
            f"the message is {len(raw)} bytes; the limit is {policy.max_message_bytes}",
        )
    try:
        email = mail.reader.parse(raw, lenient=reprocess)
    except UnreadableEmailError as problem:
        return _quarantined(problem.reason, problem.detail, _best_reading(mail, raw))
    if email.bounce is not None:
        return _record_bounce(uow, email, record_id, now)
    automated = automated_reason(email, policy.our_addresses)
    if automated is not None:
        return InboundResult(
            InboundOutcome.IGNORED,
            reason="automated",
            detail=automated,
            from_address=email.from_address,
            subject=email.subject,
        )
    if not reprocess:
        since = now - policy.rate_limit_window
        recent = uow.mail.count_from_sender(email.from_address, since, record_id)
        if over_rate_limit(recent, policy):
            return _quarantined(
                QuarantineReason.RATE_LIMITED,
                f"{recent} earlier messages from {email.from_address} within "
                f"{policy.rate_limit_window}",
                email,
            )
    # A reply to a side conversation goes there, whoever sends it (a vendor's colleague, an
    # engineer from another address), before anything could make it a ticket or a message on
    # the customer's thread.
    side_reply = receive_side_reply(uow, mail.desk, email, now)
    if side_reply is not None:
        return side_reply
    if uow.agents.get_by_email(email.from_address) is not None:
        return _quarantined(
            QuarantineReason.AGENT_SENDER, "sent by an agent; agents answer in the desk", email
        )
    contact = uow.contacts.get_by_email(email.from_address)
    if contact is None:
        if policy.unknown_senders is UnknownSenderPolicy.HOLD and not reprocess:
            return InboundResult(
                InboundOutcome.HELD,
                reason=str(QuarantineReason.UNKNOWN_SENDER),
                detail=f"{email.from_address} is not a contact yet; reprocess to approve",
                from_address=email.from_address,
                subject=email.subject,
            )
        try:
            contact = sender_contact(uow, policy, email, now)
        except InvalidInputError as problem:
            return _quarantined(QuarantineReason.NO_SENDER, problem.message, email)
    elif not contact.active:
        return _quarantined(
            QuarantineReason.UNKNOWN_SENDER, f"{contact.email} is an inactive contact", email
        )
    parts = split_reply(email.text, subject=email.subject)
    try:
        ticket, message = deliver_to_ticket(
            uow, mail.desk, policy, email, parts, contact, source, now
        )
    except TooLargeError as problem:
        return _quarantined(QuarantineReason.OVERSIZE, problem.message, email)
    uow.flush()
    assert ticket.id is not None
    assert message.id is not None
    uow.mail_threads.remember_message_id(email.message_id, ticket.id, message.id, "in")
    stored = InboundResult(
        InboundOutcome.STORED,
        detail="; ".join(email.notes) or None,
        from_address=email.from_address,
        subject=email.subject,
        ticket_id=ticket.id,
        ticket_message_id=message.id,
        quoted_text=parts.quoted,
        signature=parts.signature,
    )
    return stored, ticket


def _best_reading(mail: MailDesk, raw: bytes) -> InboundEmail | None:
    """What a lenient reading makes of unreadable mail, so that the quarantine record shows
    its sender and subject; None when even that fails."""
    try:
        return mail.reader.parse(raw, lenient=True)
    except UnreadableEmailError:
        return None


def _record_bounce(
    uow: UnitOfWork, email: InboundEmail, record_id: int, now: datetime
) -> InboundResult:
    bounce = email.bounce
    assert bounce is not None
    contact = uow.contacts.get_by_email(bounce.recipient)
    ticket_id = None
    if bounce.original_message_id:
        ticket_id = uow.mail_threads.ticket_for_message_ids([bounce.original_message_id])
    uow.mail.add_bounce(
        BounceRecord(
            address=bounce.recipient,
            action=bounce.action,
            status=bounce.status,
            diagnostic=bounce.diagnostic,
            inbound_id=record_id,
            at=now,
            contact_id=contact.id if contact else None,
            ticket_id=ticket_id,
            original_message_id=bounce.original_message_id,
        )
    )
    if contact is not None:
        uow.audit.add(
            audit_event(
                "contact",
                "contact.mail_bounced",
                INTAKE,
                now,
                subject_id=contact.id,
                changes={"address": bounce.recipient, "status": bounce.status},
                reason=bounce.diagnostic or bounce.action,
            )
        )
    return InboundResult(
        InboundOutcome.BOUNCE,
        reason=bounce.status or bounce.action,
        detail=f"{bounce.action} for {bounce.recipient}: {bounce.diagnostic}".strip(": "),
        from_address=email.from_address,
        subject=email.subject,
        ticket_id=ticket_id,
    )


__all__ = [
    "FetchReport",
    "MailDesk",
    "MailSource",
    "Processed",
    "Receipt",
    "fetch_mailbox",
    "process_inbound",
    "receipt_for",
    "receive_email",
    "set_aside",
]
