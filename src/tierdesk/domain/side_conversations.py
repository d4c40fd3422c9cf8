"""Side conversations: from a ticket, a thread with someone outside it (a vendor, another team,
the account manager, an out-of-hours engineer) by e-mail, or with a colleague in the desk.

They are never messages of the ticket: their own records, their own mail reference (a token in
the reply address, the subject and every Message-ID) so that a reply comes back into the side
conversation and never onto the customer's thread. Pure: storage, mail and access live in
``services/side_conversations.py`` and ``services/side_conversation_mail.py``."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.customer_texts import customer_text
from tierdesk.domain.outbound import OutgoingAttachment, OutgoingEmail, references_for
from tierdesk.errors import InvalidInputError, InvalidTransitionError

MAX_SUBJECT = 200
MAX_TEXT = 50_000
MAX_PARTICIPANTS = 10
TOKEN_LENGTH = 10  # hex characters of the reply reference

_ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
_TOKEN_IN_ADDRESS = re.compile(r"\+side-([0-9a-f]{10})@", re.IGNORECASE)  # TOKEN_LENGTH
_TOKEN_IN_SUBJECT = re.compile(r"\[#side-([0-9a-f]{10})\]", re.IGNORECASE)


class SideChannel(StrEnum):
    EMAIL = "email"  # people outside the desk, by mail through the outbox
    INTERNAL = "internal"  # colleagues in the desk, told through their notifications


class SideState(StrEnum):
    OPEN = "open"  # started or reopened, nobody waits on anybody yet
    WAITING = "waiting"  # the desk wrote last: waiting on them
    ANSWERED = "answered"  # they wrote last: the ticket's agent has something to read
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return "waiting on them" if self is SideState.WAITING else str(self)


class SideDirection(StrEnum):
    OUT = "out"  # written by the agent who works the ticket
    IN = "in"  # written by them: a reply by mail, or the colleague's answer


@dataclass(frozen=True)
class SideAttachment:
    """A file that came with a reply by mail (kept in the desk's file store)."""

    filename: str
    content_type: str
    size: int
    storage_key: str


@dataclass
class SideConversation:
    ticket_id: int
    channel: SideChannel
    subject: str
    participants: list[str]  # mail addresses, or agent ids as "agent:<id>"
    token: str  # the mail reference, unique across the desk
    created_by_id: int
    created_by_name: str
    created_at: datetime
    last_activity_at: datetime
    state: SideState = SideState.OPEN
    closed_at: datetime | None = None
    id: int | None = None

    @property
    def agent_ids(self) -> list[int]:
        return [int(p.split(":", 1)[1]) for p in self.participants if p.startswith("agent:")]

    @property
    def addresses(self) -> list[str]:
        return [p for p in self.participants if not p.startswith("agent:")]

    def record_message(self, direction: SideDirection, at: datetime) -> None:
        """A message moves the state: ours waits on them, theirs is answered; either reopens a
        closed conversation (a vendor's late reply must not go unread)."""
        self.state = SideState.WAITING if direction is SideDirection.OUT else SideState.ANSWERED
        self.closed_at = None
        self.last_activity_at = max(self.last_activity_at, at)

    def close(self, at: datetime) -> None:
        if self.state is SideState.CLOSED:
            raise InvalidTransitionError("the side conversation is closed already")
        self.state, self.closed_at, self.last_activity_at = SideState.CLOSED, at, at

    def reopen(self, at: datetime) -> None:
        if self.state is not SideState.CLOSED:
            raise InvalidTransitionError("the side conversation is not closed")
        self.state, self.closed_at, self.last_activity_at = SideState.OPEN, None, at


@dataclass
class SideMessage:
    side_conversation_id: int
    direction: SideDirection
    author_name: str
    body_text: str
    created_at: datetime
    author_agent_id: int | None = None  # an agent's message
    author_address: str | None = None  # a reply by mail: who sent it
    included_message_ids: list[int] = field(default_factory=list)  # ticket messages quoted
    attachments: list[SideAttachment] = field(default_factory=list)
    id: int | None = None


# -- checking what an agent asked for -----------------------------------------------------


def clean_subject(subject: str) -> str:
    cleaned = " ".join(subject.split())
    if not cleaned:
        raise InvalidInputError("a side conversation needs a subject", field="subject")
    if len(cleaned) > MAX_SUBJECT:
        raise InvalidInputError(f"at most {MAX_SUBJECT} characters", field="subject")
    return cleaned


def clean_text(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError("write a message", field="message")
    if len(stripped) > MAX_TEXT:
        raise InvalidInputError(f"at most {MAX_TEXT} characters", field="message")
    return stripped


def clean_addresses(addresses: Iterable[str]) -> list[str]:
    """Mail addresses, lower-cased, each once; one that is not an address is refused."""
    found: list[str] = []
    for raw in addresses:
        for part in re.split(r"[,;\s]+", raw):
            address = part.strip().strip("<>").lower()
            if not address:
                continue
            if not _ADDRESS.match(address):
                raise InvalidInputError(f"{part.strip()!r} is not a mail address", field="to")
            if address not in found:
                found.append(address)
    if len(found) > MAX_PARTICIPANTS:
        raise InvalidInputError(f"at most {MAX_PARTICIPANTS} participants", field="to")
    return found


# -- the mail reference ---------------------------------------------------------------------


def side_subject(token: str, subject: str) -> str:
    """``Re: subject [#side-3f2a…]``: the token, never the ticket's ``[TD-1042]`` tag, so that
    nothing in a reply can lead intake to the customer's thread."""
    return f"{subject} [#side-{token}]"


def reply_address(from_address: str, token: str) -> str:
    """The desk's address with the token as a sub-address (``support+side-3f2a…@example``),
    which most mail servers deliver to the desk's own mailbox."""
    local, _, domain = from_address.partition("@")
    return f"{local}+side-{token}@{domain}"


def side_message_id(token: str, outbox_id: int, nonce: str, domain: str) -> str:
    return f"<side.{token}.{outbox_id}.{nonce}@{domain}>"


def token_in(addresses: Sequence[str], subject: str) -> str | None:
    """The side conversation a mail names by its reply address or subject tag, if any."""
    for address in addresses:
        match = _TOKEN_IN_ADDRESS.search(address)
        if match:
            return match.group(1).lower()
    match = _TOKEN_IN_SUBJECT.search(subject)
    return match.group(1).lower() if match else None


# -- the text of a mail ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuotedMessage:
    author_name: str
    created_at: datetime
    text: str


def quoted(messages: Sequence[QuotedMessage]) -> str:
    """Ticket messages the agent chose to include, quoted below the first mail's text."""
    blocks = []
    for m in messages:
        lines = "\n".join(f"> {line}" for line in m.text.strip().splitlines())
        blocks.append(f"On {m.created_at:%Y-%m-%d %H:%M} UTC, {m.author_name} wrote:\n{lines}")
    return "\n\n".join(blocks)


def summary_draft(subject: str, sentences: Sequence[str], language: str | None = None) -> str:
    """The editable start of a public reply: what the side conversation found, in its own
    sentences, for the agent to rewrite before anything reaches the customer. The opening
    line is in the ticket's ``language``, as everything else the customer reads."""
    said = "\n".join(f"- {s}" for s in sentences)
    intro = customer_text(language, "side.summary_intro", subject=subject)
    return f"{intro}\n\n{said}\n"


def side_mail(
    *,
    message_id: str,
    from_address: str,
    from_name: str,
    to_address: str,
    token: str,
    subject: str,
    text: str,
    author_name: str,
    thread: Sequence[str],
    attachments: tuple[OutgoingAttachment, ...] = (),
) -> OutgoingEmail:
    """One mail of a side conversation: its own subject tag, its own reply address and its own
    chain of Message-IDs (``thread``, oldest first), none of them the ticket's. Plain words,
    no customer texts: the reader is a colleague or a vendor, not the ticket's customer."""
    body = f"{text.strip()}\n\n-- \n{author_name}\n{from_name}\n"
    blocks = [b for b in body.replace("\r\n", "\n").split("\n\n") if b.strip()]
    body_html = "".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in b.split("\n")) + "</p>\n"
        for b in blocks
    )
    earlier = [t for t in dict.fromkeys(thread) if t != message_id]
    return OutgoingEmail(
        message_id=message_id,
        from_address=from_address,
        from_name=from_name,
        to_address=to_address,
        to_name=to_address,
        subject=side_subject(token, subject if not earlier else f"Re: {subject}"),
        text=body,
        html=f"<!DOCTYPE html>\n<html><body>\n{body_html}</body></html>\n",
        in_reply_to=earlier[-1] if earlier else None,
        references=references_for(earlier),
        attachments=attachments,
        reply_to=reply_address(from_address, token),
    )
