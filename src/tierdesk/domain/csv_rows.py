"""A CSV file's rows read as the desk's import records, by a mapping of columns to fields.

Two shapes: one ticket per row (its first message in ``body``), or one message per row,
the rows of one ticket sharing its ``key``. The mapping names, for each field, the column it
is read from (``--map column=field``). Values are read strictly: a status, priority, type or
channel the desk does not have, or a time that does not parse, fails the row with a reason
(design.md, "Importing a desk's history") — nothing of it is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from tierdesk.domain.messages import Channel
from tierdesk.domain.ticket_values import Priority, Status, TicketType
from tierdesk.errors import InvalidInputError

_T = TypeVar("_T")


class RowShape(StrEnum):
    TICKETS = "tickets"  # one ticket per row
    MESSAGES = "messages"  # one message per row, grouped by ticket key


# Field: what it is. Aliases read the same field under a name that fits the other shape.
FIELDS = {
    "key": "the ticket's id in the old desk (its source id)",
    "subject": "the ticket's subject",
    "body": "the first message (tickets) or the message (messages)",
    "requester_email": "who asked",
    "requester_name": "their name",
    "organisation": "the requester's organisation",
    "status": "the desk's status, or new/open/pending/hold/solved/closed",
    "priority": "P1-P4, or urgent/high/normal/low",
    "type": "the desk's ticket type",
    "tags": "tags, split by the tag separator",
    "created": "when the ticket was opened (or the message written)",
    "updated": "when the ticket last changed",
    "assignee_email": "the agent it was assigned to",
    "channel": "email, portal, api, cli, phone or web",
    "product": "the desk's product key or name",
    "author_email": "who wrote the message (messages)",
    "author_name": "their name (messages)",
    "public": "whether the message is public: yes/no, true/false, 1/0, public/private",
}
ALIASES = {"message": "body", "time": "created", "email": "requester_email", "id": "key"}
REQUIRED = {
    RowShape.TICKETS: ("key", "subject", "created"),
    RowShape.MESSAGES: ("key", "body", "created"),
}

STATUSES = {
    **{s.value: s for s in Status},
    "pending": Status.PENDING_CUSTOMER,
    "hold": Status.ON_HOLD,
    "resolved": Status.SOLVED,
}
PRIORITIES = {
    **{p.value.lower(): p for p in Priority},
    "urgent": Priority.P1,
    "high": Priority.P2,
    "normal": Priority.P3,
    "medium": Priority.P3,
    "low": Priority.P4,
}
TYPES = {t.value: t for t in TicketType}
CHANNELS = {c.value: c for c in Channel} | {"e-mail": Channel.EMAIL, "web_form": Channel.PORTAL}
_TRUE = {"yes", "y", "true", "1", "public"}
_FALSE = {"no", "n", "false", "0", "private", "internal", "note"}


def field_name(name: str) -> str:
    """The field a mapping names, refused when the desk has no such field."""
    clean = name.strip().lower().replace("-", "_").replace(" ", "_")
    clean = ALIASES.get(clean, clean)
    if clean not in FIELDS:
        raise InvalidInputError(
            f"{name!r} is not a field; fields: {', '.join(FIELDS)}", field="map"
        )
    return clean


def _choice(value: str, choices: dict[str, _T], what: str) -> _T:
    found = choices.get(value.strip().lower())
    if found is None:
        raise InvalidInputError(
            f"{what} {value!r} is not one of the desk's ({', '.join(sorted(choices))})",
            field=what,
        )
    return found


def read_time(value: str, what: str, date_format: str | None) -> datetime:
    """ISO 8601, or ``date_format`` (strptime) when given; a time without a zone is UTC."""
    text = value.strip()
    try:
        if date_format:
            parsed = datetime.strptime(text, date_format)  # noqa: DTZ007 (made aware below)
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        wanted = f"in the format {date_format!r}" if date_format else "ISO 8601"
        raise InvalidInputError(f"{what} {value!r} is not a time {wanted}", field=what) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass(frozen=True)
class TicketValues:
    """The ticket-level values of a row (both shapes)."""

    subject: str
    status: Status
    priority: Priority
    type: TicketType
    channel: Channel
    tags: tuple[str, ...]
    updated: datetime | None
    product: str | None


def ticket_values(
    row: dict[str, str], tag_separator: str, date_format: str | None, default_subject: str = ""
) -> TicketValues:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    subject = get("subject") or default_subject
    if not subject:
        raise InvalidInputError("the subject is empty", field="subject")
    tags = tuple(t.strip() for t in get("tags").split(tag_separator) if t.strip())
    return TicketValues(
        subject=subject[:500],
        status=_choice(get("status"), STATUSES, "status") if get("status") else Status.OPEN,
        priority=_choice(get("priority"), PRIORITIES, "priority")
        if get("priority")
        else Priority.P3,
        type=_choice(get("type"), TYPES, "type") if get("type") else TicketType.QUESTION,
        channel=_choice(get("channel"), CHANNELS, "channel") if get("channel") else Channel.API,
        tags=tags,
        updated=read_time(get("updated"), "updated", date_format) if get("updated") else None,
        product=get("product") or None,
    )


def is_public(value: str) -> bool:
    text = value.strip().lower()
    if not text or text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInputError(f"public {value!r} is not yes/no", field="public")


def message_source_id(key: str, author: str, at: datetime, body: str) -> str:
    """A message row's source id: what it says, not where it stands (rows may be reordered)."""
    digest = hashlib.sha256(f"{key}\n{author}\n{at.isoformat()}\n{body}".encode()).hexdigest()
    return f"{key}#{digest[:24]}"


def email_address(value: str, what: str) -> str | None:
    text = value.strip().lower()
    if not text:
        return None
    if "@" not in text or " " in text or len(text) > 320:
        raise InvalidInputError(f"{what} {value!r} is not an e-mail address", field=what)
    return text
