"""Mail the desk sends: the outbox's records, the retry arithmetic, and the composition of one
message (subject with the ticket number, threading headers, the customer's language with the
words from ``domain/customer_texts``, plain text plus an HTML alternative). Pure:
``adapters/email/smtp.py`` turns an :class:`OutgoingEmail` into bytes on the wire;
``services/mail_outbox.py`` decides what to send and when."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tierdesk.domain.customer_texts import customer_text


class OutgoingKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"  # "we opened TD-1042 for you", after mail opened a ticket
    REPLY = "reply"  # an agent's public reply
    SIDE_CONVERSATION = "side-conversation"  # to someone outside the ticket, never the customer
    # A notice about no ticket (an upgrade advisory, issue 21): composed in the recipient's
    # language when it was queued, kept on the outbox row as ``subject`` and ``body``.
    NOTICE = "notice"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by one sender, whose lease runs until ``claimed_until``
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts; visible to admins
    SKIPPED = "skipped"  # not to be sent (acknowledgements switched off, no address)


class DeliveryFailedError(Exception):
    """Raised by a mail transport. ``permanent`` failures (the relay refused the recipient or the
    message) are not retried; the others (server down, 4xx) are, with back-off."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class OutboundPolicy:
    from_address: str
    from_name: str = "Support"
    acknowledge_new_tickets: bool = True
    max_attempts: int = 8
    backoff: timedelta = timedelta(minutes=1)
    backoff_max: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(minutes=5)

    @property
    def domain(self) -> str:
        return self.from_address.rpartition("@")[2].lower() or "localhost"


def retry_delay(attempts: int, policy: OutboundPolicy) -> timedelta:
    """Exponential back-off: the first retry after ``backoff``, then twice as long each time."""
    exponent = max(attempts - 1, 0)
    if exponent > 40:  # 2**40 minutes is past any sane cap; avoid huge intermediates
        return policy.backoff_max
    return min(policy.backoff * (1 << exponent), policy.backoff_max)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    ticket_id: int | None  # None: a notice about no ticket
    kind: OutgoingKind
    to_address: str
    language: str
    status: OutboxStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    message_id: int | None = None  # the ticket message it carries (replies)
    message_id_header: str | None = None  # fixed at the first claim, kept for every retry
    sent_at: datetime | None = None
    last_error: str | None = None
    subject: str | None = None  # a notice's, composed when it was queued
    body: str | None = None


@dataclass(frozen=True)
class OutgoingAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingEmail:
    message_id: str
    from_address: str
    from_name: str
    to_address: str
    to_name: str
    subject: str
    text: str
    html: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[OutgoingAttachment, ...] = ()
    auto_submitted: str | None = None  # "auto-replied" on acknowledgements (RFC 3834)
    ticket_number: str = ""
    reply_to: str | None = None  # a side conversation's own address, so replies find it
    cc: tuple[str, ...] = ()  # a ticket's CCs, on its public replies only


def new_message_id(ticket_number: str, outbox_id: int, token: str, domain: str) -> str:
    return f"<{ticket_number.lower()}.{outbox_id}.{token}@{domain}>"


def references_for(thread: list[str]) -> tuple[str, ...]:
    """The References header for a message in a thread whose ids are ``thread`` (oldest first):
    the first message and the newest ones, as RFC 5322 suggests when a chain grows long."""
    unique = list(dict.fromkeys(thread))
    if len(unique) <= 10:
        return tuple(unique)
    return (unique[0], *unique[-9:])


def subject_line(kind: OutgoingKind, number: str, subject: str) -> str:
    """``[TD-1042] subject``; replies start with ``Re:`` as a mail client's would."""
    cleaned = " ".join(subject.split())
    tagged = cleaned if f"[{number}]" in cleaned else f"[{number}] {cleaned}"
    return f"Re: {tagged}" if kind is OutgoingKind.REPLY else tagged


@dataclass(frozen=True)
class ReplyContent:
    text: str
    html: str | None  # already sanitised when the agent wrote it
    author_name: str


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in b.split("\n")) + "</p>\n"
        for b in blocks
    )


def compose(
    item: OutboxItem,
    policy: OutboundPolicy,
    *,
    message_id: str,
    ticket_number: str,
    ticket_subject: str,
    recipient_name: str,
    reply: ReplyContent | None,
    thread: list[str],
    attachments: tuple[OutgoingAttachment, ...] = (),
    cc: tuple[str, ...] = (),
) -> OutgoingEmail:
    """One outgoing mail. ``thread`` holds the ticket's known Message-IDs, oldest first; the
    newest is what this mail answers. ``cc``: copied on a reply, never on an acknowledgement."""
    language = item.language
    values = {"name": recipient_name, "number": ticket_number, "subject": ticket_subject}
    marker = customer_text(language, "mail.marker")
    footer = customer_text(language, "mail.footer", **values)
    greeting = customer_text(language, "mail.greeting", **values)
    names = ", ".join(a.filename for a in attachments)
    note = customer_text(language, "mail.attachments", names=names) if attachments else ""
    if reply is None:
        acknowledgement = customer_text(language, "mail.acknowledgement", **values)
        body_text = f"{greeting}\n\n{acknowledgement}"
        body_html = _paragraphs(body_text)
    else:
        body_text = reply.text.strip()
        body_html = reply.html or _paragraphs(body_text)
        body_text += f"\n\n-- \n{reply.author_name}\n{policy.from_name}"
        author, desk_name = html.escape(reply.author_name), html.escape(policy.from_name)
        body_html += f"<p>-- <br>\n{author}<br>\n{desk_name}</p>\n"
    text = "\n\n".join(p for p in (marker, body_text, note, footer) if p) + "\n"
    marker_html = f'<p style="color:#888">{html.escape(marker)}</p>\n'
    note_html = f"<p>{html.escape(note)}</p>\n" if note else ""
    html_body = (
        "<!DOCTYPE html>\n<html><body>\n"
        f"{marker_html}{body_html}{note_html}"
        f'<p style="color:#888">{html.escape(footer)}</p>\n</body></html>\n'
    )
    unique_thread = [t for t in dict.fromkeys(thread) if t != message_id]
    return OutgoingEmail(
        message_id=message_id,
        from_address=policy.from_address,
        from_name=policy.from_name,
        to_address=item.to_address,
        to_name=recipient_name,
        subject=subject_line(item.kind, ticket_number, ticket_subject),
        text=text,
        html=html_body,
        in_reply_to=unique_thread[-1] if unique_thread else None,
        references=references_for(unique_thread),
        attachments=attachments,
        auto_submitted="auto-replied" if item.kind is OutgoingKind.ACKNOWLEDGEMENT else None,
        ticket_number=ticket_number,
        cc=tuple(a for a in cc if a != item.to_address) if reply is not None else (),
    )


def compose_notice(
    item: OutboxItem, policy: OutboundPolicy, *, message_id: str, recipient_name: str
) -> OutgoingEmail:
    """A notice about no ticket (``OutgoingKind.NOTICE``): its subject and body were written in
    the recipient's language when it was queued; only the greeting is added. It carries no
    reply marker: an answer to it opens a ticket like any other mail."""
    greeting = customer_text(item.language, "mail.greeting", name=recipient_name)
    body_text = f"{greeting}\n\n{(item.body or '').strip()}\n"
    return OutgoingEmail(
        message_id=message_id,
        from_address=policy.from_address,
        from_name=policy.from_name,
        to_address=item.to_address,
        to_name=recipient_name,
        subject=" ".join((item.subject or "").split()),
        text=body_text,
        html=f"<!DOCTYPE html>\n<html><body>\n{_paragraphs(body_text)}</body></html>\n",
    )
