"""Mail that reaches the desk, as a value, and the rules applied to it before it touches a ticket:
which mail is automated (never answered, never a ticket), how a reply finds its ticket, and how
the new text of a reply is told apart from the quoted history and the signature.

Everything here is pure: bytes become an :class:`InboundEmail` in ``adapters/email/parse.py``;
``services/mail.py`` applies these rules inside a transaction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tierdesk.errors import InvalidInputError


class InboundOutcome(StrEnum):
    """What became of one received message. Every message gets exactly one record."""

    RECEIVING = "receiving"  # only inside the transaction that stores it
    # stored and acknowledged by the SMTP listener; intake turns it into one of the outcomes
    # below after the 250 (services/mail_intake.py)
    RECEIVED = "received"
    STORED = "stored"  # a message on a ticket (a new ticket or a reply)
    IGNORED = "ignored"  # automated mail (auto-replies, lists, our own mail): never a ticket
    BOUNCE = "bounce"  # a delivery status notification, recorded against the contact
    QUARANTINED = "quarantined"  # could not be stored as it is; an admin may reprocess it
    HELD = "held"  # an unknown sender, held for an admin's approval (unknown_senders = hold)

    @property
    def awaits_admin(self) -> bool:
        return self in (InboundOutcome.QUARANTINED, InboundOutcome.HELD)


class QuarantineReason(StrEnum):
    MALFORMED_MIME = "malformed-mime"
    BAD_CHARSET = "bad-charset"
    OVERSIZE = "oversize"
    EMPTY_BODY = "empty-body"
    NO_SENDER = "no-sender"
    RATE_LIMITED = "rate-limited"
    AGENT_SENDER = "agent-sender"
    UNKNOWN_SENDER = "unknown-sender"
    PROCESSING_FAILED = "processing-failed"  # acknowledged mail that intake failed on repeatedly


class UnreadableEmailError(InvalidInputError):
    """Mail that cannot be stored as it is. It is quarantined with this reason, never dropped."""

    def __init__(self, reason: QuarantineReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}", reason=str(reason))
        self.reason = reason
        self.detail = detail


class UnknownSenderPolicy(StrEnum):
    CREATE = "create"
    HOLD = "hold"


class ReplyToClosedPolicy(StrEnum):
    REOPEN = "reopen"
    FOLLOW_UP = "follow-up"


@dataclass(frozen=True)
class MailPolicy:
    """The intake rules a desk chose (from ``Settings.mail``)."""

    our_addresses: frozenset[str] = frozenset()
    unknown_senders: UnknownSenderPolicy = UnknownSenderPolicy.CREATE
    unknown_sender_organisation: str = "Individual customers"
    unknown_sender_plan: str = "basic"
    reply_to_closed: ReplyToClosedPolicy = ReplyToClosedPolicy.REOPEN
    max_message_bytes: int = 40 * 1024 * 1024
    rate_limit_messages: int = 30
    rate_limit_window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class BounceReport:
    """One failed recipient of a delivery status notification (RFC 3464)."""

    recipient: str
    action: str
    status: str
    diagnostic: str = ""
    original_message_id: str | None = None


@dataclass(frozen=True)
class EmailIdentity:
    """What makes a message the same message: its Message-ID and a hash of its content without
    the headers that servers add on the way (so one mail delivered to two of our mailboxes, or
    fetched twice, has one identity). Both go into one unique key."""

    message_id: str
    content_hash: str


@dataclass(frozen=True)
class InboundEmail:
    message_id: str
    subject: str
    from_address: str
    from_name: str
    text: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    date: datetime | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    html: str | None = None
    attachments: tuple[InboundAttachment, ...] = ()
    auto_submitted: str | None = None
    precedence: str | None = None
    auto_reply_header: bool = False  # X-Autoreply, X-Autorespond and friends
    bounce: BounceReport | None = None
    language: str | None = None  # Content-Language, when the sender's client declared one
    notes: tuple[str, ...] = field(default=())  # what a lenient reading had to give up


@dataclass(frozen=True)
class InboundRecord:
    """The stored record of one received message (``inbound_emails``)."""

    id: int
    mailbox: str
    message_id: str
    content_hash: str
    received_at: datetime
    size: int
    raw_key: str
    outcome: InboundOutcome
    from_address: str = ""
    subject: str = ""
    reason: str | None = None
    detail: str | None = None
    ticket_id: int | None = None
    ticket_message_id: int | None = None
    quoted_text: str | None = None
    signature: str | None = None
    processed_at: datetime | None = None


@dataclass(frozen=True)
class InboundResult:
    """What processing decided for a received message."""

    outcome: InboundOutcome
    reason: str | None = None
    detail: str | None = None
    from_address: str = ""
    subject: str = ""
    ticket_id: int | None = None
    ticket_message_id: int | None = None
    quoted_text: str | None = None
    signature: str | None = None


@dataclass(frozen=True)
class BounceRecord:
    address: str
    action: str
    status: str
    diagnostic: str
    inbound_id: int
    at: datetime
    contact_id: int | None = None
    ticket_id: int | None = None
    original_message_id: str | None = None


# -- identities ------------------------------------------------------------------------------

_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
MAX_MESSAGE_ID_LENGTH = 500


def message_id_key(value: str) -> str:
    """The stored form of one Message-ID: ``<local@domain>`` with the domain lower-cased (domains
    are case-insensitive, local parts are not). Absurdly long ids are replaced by their hash so
    that they still fit an index."""
    text = value.strip()
    match = _MESSAGE_ID.search(text)
    core = match.group(1) if match else text.strip("<>").strip()
    if not core or any(c.isspace() for c in core):
        return ""
    local, at, domain = core.rpartition("@")
    key = f"<{local}@{domain.lower()}>" if at else f"<{core}>"
    if len(key) > MAX_MESSAGE_ID_LENGTH:
        return "<sha256." + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest() + ">"
    return key


def message_id_list(value: str | None) -> tuple[str, ...]:
    """Every Message-ID in an In-Reply-To or References header, in order, without repeats."""
    if not value:
        return ()
    keys = [message_id_key(f"<{m}>") for m in _MESSAGE_ID.findall(value)]
    return tuple(dict.fromkeys(k for k in keys if k))


def thread_keys(email: InboundEmail) -> list[str]:
    """The Message-IDs this mail answers, nearest first: In-Reply-To, then References from the
    newest back to the thread's first message."""
    keys = [*email.in_reply_to, *reversed(email.references)]
    return list(dict.fromkeys(k for k in keys if k and k != email.message_id))


def ticket_number_in_subject(subject: str, prefix: str) -> str | None:
    """``"Re: [TD-1042] No audio"`` → ``"TD-1042"``. Only the bracketed form counts: a customer
    mentioning another ticket in passing must not move their mail there."""
    pattern = re.compile(r"\[\s*(" + re.escape(prefix) + r")\s*-\s*(\d{1,9})\s*\]", re.IGNORECASE)
    match = pattern.search(subject)
    return f"{prefix.upper()}-{int(match.group(2))}" if match else None


# -- loop protection -------------------------------------------------------------------------

_DAEMON_LOCAL_PARTS = {
    "mailer-daemon",
    "postmaster",
    "mail-daemon",
    "mailerdaemon",
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "bounce",
    "bounces",
}
_BULK_PRECEDENCE = {"bulk", "list", "junk"}


def automated_reason(email: InboundEmail, our_addresses: frozenset[str]) -> str | None:
    """Why this mail was written by a machine (and so must never open a ticket or be answered),
    or None for mail a person wrote. RFC 3834 and the headers real auto-responders send."""
    sender = email.from_address.lower()
    if sender in our_addresses:
        return f"sent from our own address {sender}"
    local = sender.partition("@")[0]
    if local in _DAEMON_LOCAL_PARTS or local.startswith(("mailer-daemon", "bounce-", "bounces+")):
        return f"sent by a mail system ({sender})"
    if email.auto_submitted and email.auto_submitted.strip().lower() != "no":
        return f"Auto-Submitted: {email.auto_submitted.strip()}"
    if email.precedence and email.precedence.strip().lower() in _BULK_PRECEDENCE:
        return f"Precedence: {email.precedence.strip()}"
    if email.auto_reply_header:
        return "marked as an automatic reply"
    return None


def over_rate_limit(recent_from_sender: int, policy: MailPolicy) -> bool:
    """``recent_from_sender`` counts this sender's earlier messages inside the window."""
    return recent_from_sender >= policy.rate_limit_messages


# -- reply text ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyParts:
    new_text: str
    quoted: str = ""
    signature: str = ""


# Our outgoing mail starts with "##- Please type your reply above this line -##" (in the
# customer's language, domain/outbound.py): everything from there down in a reply is history.
_MARKER = re.compile(r"^\s*>*\s*##-.*-##\s*$")

_ATTRIBUTION = re.compile(
    r"^\s*(On\s.{0,300}\swrote|Am\s.{0,300}\sschrieb(\s.{0,300})?|Le\s.{0,300}\sa\s+écrit|"
    r"Il\s.{0,300}\sha\s+scritto|El\s.{0,300}\sescribió)\s*:\s*$",
    re.IGNORECASE,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|"
    r"Messaggio originale|Mensaje original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(From|Von|De|Da)\s*:\*?\s", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(Sent|Date|Gesendet|Datum|Envoyé|Inviato|Enviado|To|An|À|A|Para)\s*:", re.IGNORECASE
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|fw|wg|tr|i|rv|enc)\s*:", re.IGNORECASE)
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(Sent from my |Sent from Outlook|Get Outlook for |Von meinem .* gesendet|"
    r"Envoyé de mon |Inviato da |Enviado desde mi )",
    re.IGNORECASE,
)


def is_forward(subject: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject))


def _quote_start(lines: list[str], forward: bool) -> int | None:
    for index, line in enumerate(lines):
        if _MARKER.match(line):
            return index
        if forward:
            continue  # in a forward, what looks like history is the content being passed on
        if _ATTRIBUTION.match(line) or _ORIGINAL_MESSAGE.match(line):
            return index
        if re.match(r"^\s*(On|Am|Le|Il|El)\s", line) and any(
            _ATTRIBUTION.match(" ".join(lines[index : index + n])) for n in (2, 3)
        ):
            return index  # an attribution wrapped over two or three lines (Gmail)
        if _UNDERSCORES.match(line) and any(
            _HEADER_FROM.match(x) for x in lines[index + 1 : index + 3]
        ):
            return index  # Outlook: a rule, then From:/Sent:/To:/Subject:
        if _HEADER_FROM.match(line) and any(
            _HEADER_NEXT.match(x) for x in lines[index + 1 : index + 4]
        ):
            return index
    if forward:
        return None
    # A trailing block of "> " lines (after any blank lines) is history; quotes interleaved with
    # new text are an inline answer and stay.
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    start = end
    while start > 0 and (lines[start - 1].startswith(">") or not lines[start - 1].strip()):
        start -= 1
    while start < end and not lines[start].strip():
        start += 1
    if start < end and lines[start].startswith(">"):
        return start
    return None


def split_reply(text: str, *, subject: str = "") -> ReplyParts:
    """Separate what the sender wrote now from the history they quoted and their signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = _quote_start(lines, is_forward(subject))
    body, quoted = (lines, []) if start is None else (lines[:start], lines[start:])
    signature: list[str] = []
    for index in range(len(body) - 1, -1, -1):
        if body[index] in ("-- ", "--"):
            body, signature = body[:index], body[index:]
            break
    else:
        tail = [i for i, line in enumerate(body) if line.strip()]
        if tail and _MOBILE_SIGNATURE.match(body[tail[-1]]) and len(tail) > 1:
            body, signature = body[: tail[-1]], body[tail[-1] :]
    new_text = "\n".join(body).strip()
    if not new_text:  # nothing new above the history: keep everything rather than nothing
        return ReplyParts(new_text=text.strip())
    return ReplyParts(
        new_text=new_text,
        quoted="\n".join(quoted).strip(),
        signature="\n".join(signature).strip(),
    )


def ticket_subject(subject: str) -> str:
    """The subject a new ticket gets from a mail's subject."""
    cleaned = " ".join(subject.split())
    return cleaned[:500] if cleaned else "(no subject)"


def sender_name(email: InboundEmail) -> str:
    """The name a new contact gets: the display name, else the address's local part."""
    name = " ".join(email.from_name.split()).strip("\"' ")
    if name and "@" not in name:
        return name[:200]
    local = email.from_address.partition("@")[0]
    words = re.split(r"[._\-+]+", local)
    return " ".join(w.capitalize() for w in words if w)[:200] or email.from_address
