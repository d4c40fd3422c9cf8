"""Zendesk's objects (its full JSON export: ``organizations.json``, ``users.json``,
``tickets.json`` with each ticket's ``comments``) read as the desk's import records.

Shapes as Zendesk documents them for its API (developer.zendesk.com, "Tickets", "Ticket
Comments", "Users", "Organizations"); every field may be null or missing in an export, so each
one is read defensively. The mapping choices are written down in docs/design.md ("Importing a
desk's history").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tierdesk.domain.imports import (
    ImportedAttachment,
    ImportedComment,
    ImportedOrganisation,
    ImportedPerson,
    ImportedRating,
    ImportedTicket,
    PersonRole,
)
from tierdesk.domain.messages import Channel
from tierdesk.domain.ticket_values import Priority, Status, TicketType
from tierdesk.errors import InvalidInputError

SYSTEM = "zendesk"
MAX_EMAIL = 320  # RFC 5321's limit, and the column's width

STATUSES = {
    "new": Status.NEW,
    "open": Status.OPEN,
    "pending": Status.PENDING_CUSTOMER,  # waiting for the requester
    "hold": Status.ON_HOLD,  # waiting for a third party
    "solved": Status.SOLVED,
    "closed": Status.CLOSED,
}
PRIORITIES = {"urgent": Priority.P1, "high": Priority.P2, "normal": Priority.P3, "low": Priority.P4}
TYPES = {
    "question": TicketType.QUESTION,
    "problem": TicketType.PROBLEM,
    "incident": TicketType.PROBLEM,  # one customer's case of a problem; tagged "incident"
    "task": TicketType.QUESTION,  # tagged "task"
}
CHANNELS = {
    "email": Channel.EMAIL,
    "web": Channel.PORTAL,  # the help centre's request form
    "web_form": Channel.PORTAL,
    "web_widget": Channel.PORTAL,
    "help_center": Channel.PORTAL,
    "voice": Channel.PHONE,
    "phone": Channel.PHONE,
    "api": Channel.API,
}
# Zendesk's satisfaction scores: "offered" and "unoffered" are no rating at all.
RATINGS = {"good": 5, "bad": 1}


def read_time(value: Any, what: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InvalidInputError(f"{what} is not a date and time: {value!r}", field=what)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInputError(f"{what} is not a date and time: {value!r}", field=what) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInputError(f"{value!r} is not an id")
    return str(value)


def _require_id(row: dict[str, Any], what: str) -> str:
    found = _id(row.get("id"))
    if found is None:
        raise InvalidInputError(f"the {what} has no id")
    return found


def _text(value: Any) -> str:
    # PostgreSQL refuses NUL characters in text; they carry nothing anyway.
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def organisation(row: dict[str, Any]) -> ImportedOrganisation:
    source_id = _require_id(row, "organization")
    name = (_text(row.get("name")) or f"Organization #{source_id}")[:200]  # the column's width
    domains = row.get("domain_names") or []
    return ImportedOrganisation(
        source_id=source_id,
        name=name,
        created_at=read_time(row.get("created_at"), "created_at"),
        email_domains=tuple(sorted({_text(d).lower() for d in domains if _text(d)})),
    )


def person(row: dict[str, Any]) -> ImportedPerson:
    source_id = _require_id(row, "user")
    role = _text(row.get("role")).lower()
    deleted = row.get("active") is False or bool(row.get("deleted"))
    name = _text(row.get("name")) or (
        f"Deleted user #{source_id}" if deleted else f"User #{source_id}"
    )
    locale = _text(row.get("locale")).lower() or None
    email = _text(row.get("email")).lower()
    return ImportedPerson(
        source_id=source_id,
        name=name[:200],
        email=email if email and len(email) <= MAX_EMAIL else None,
        role={"admin": PersonRole.LEAD, "agent": PersonRole.AGENT}.get(role, PersonRole.CUSTOMER),
        organisation_source_id=_id(row.get("organization_id")),
        created_at=read_time(row.get("created_at"), "created_at"),
        active=not deleted and not row.get("suspended"),
        phone=_text(row.get("phone"))[:64] or None,
        language=locale.split("-")[0][:16] if locale else None,
    )


def _channel(via: Any) -> tuple[Channel, str | None]:
    """The desk's channel, and Zendesk's own name when the desk has no channel for it."""
    name = _text(via.get("channel")).lower() if isinstance(via, dict) else ""
    if not name:
        return Channel.API, None
    mapped = CHANNELS.get(name)
    return (mapped, None) if mapped else (Channel.API, name)


def _attachments(items: Any) -> tuple[ImportedAttachment, ...]:
    found = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        url = _text(item.get("content_url")) or None
        size = item.get("size")
        found.append(
            ImportedAttachment(
                filename=_text(item.get("file_name")) or "attachment",
                url=url,
                content_type=_text(item.get("content_type")) or None,
                size=size if isinstance(size, int) else None,
            )
        )
    return tuple(found)


def comment(row: dict[str, Any], ticket_created: datetime) -> ImportedComment:
    source_id = _require_id(row, "comment")
    html = _text(row.get("html_body")) or None
    text = _text(row.get("plain_body")) or _text(row.get("body"))
    channel, _ = _channel(row.get("via"))
    return ImportedComment(
        source_id=source_id,
        author_source_id=_id(row.get("author_id")),
        # Zendesk's "public" defaults to true; only an explicit false is private.
        public=row.get("public") is not False,
        text=text,
        html=html,
        created_at=read_time(row.get("created_at"), "comment created_at") or ticket_created,
        channel=channel,
        attachments=_attachments(row.get("attachments")),
    )


def _rating(value: Any) -> ImportedRating | None:
    if not isinstance(value, dict):
        return None
    score = RATINGS.get(_text(value.get("score")).lower())
    if score is None:
        return None
    when = read_time(value.get("updated_at") or value.get("created_at"), "rating time")
    return ImportedRating(score=score, comment=_text(value.get("comment")), created_at=when)


def _custom_fields(ticket: dict[str, Any], via_name: str | None) -> tuple[tuple[str, Any], ...]:
    fields: dict[str, Any] = {"zendesk_id": ticket.get("id")}
    for item in ticket.get("custom_fields") or []:
        if isinstance(item, dict) and item.get("value") not in (None, "", []):
            fields[f"zendesk_field_{item.get('id')}"] = item["value"]
    for name in ("external_id", "group_id", "problem_id", "brand_id", "due_at"):
        if ticket.get(name) not in (None, ""):
            fields[f"zendesk_{name}"] = ticket[name]
    if via_name:
        fields["zendesk_via"] = via_name
    return tuple(sorted(fields.items()))


def ticket(row: dict[str, Any]) -> ImportedTicket:
    source_id = _require_id(row, "ticket")
    status_name = _text(row.get("status")).lower()
    status = STATUSES.get(status_name)
    if status is None:
        raise InvalidInputError(f"unknown status {row.get('status')!r}", field="status")
    created = read_time(row.get("created_at"), "created_at")
    if created is None:
        raise InvalidInputError("the ticket has no created_at", field="created_at")
    updated = read_time(row.get("updated_at"), "updated_at") or created
    comments = tuple(
        sorted(
            (comment(c, created) for c in row.get("comments") or [] if isinstance(c, dict)),
            key=lambda c: (c.created_at, c.source_id),
        )
    )
    description = _text(row.get("description"))
    requester = _id(row.get("requester_id")) or _id(row.get("submitter_id"))
    if not comments and description:
        # An export without its comments (the API's ticket objects alone): the description is
        # the first comment's text, so the thread is not left empty.
        comments = (
            ImportedComment(
                f"{source_id}-description", requester, True, description, None, created
            ),
        )
    subject = (
        _text(row.get("subject"))
        or _text(row.get("raw_subject"))
        or (description.splitlines()[0][:120] if description else "")
        or f"Zendesk ticket #{source_id}"
    )
    type_name = _text(row.get("type")).lower()
    tags = [_text(t) for t in row.get("tags") or [] if _text(t)]
    if type_name in ("incident", "task"):
        tags.append(type_name)
    channel, via_name = _channel(row.get("via"))
    metric_set = row.get("metric_set")
    metrics: dict[str, Any] = metric_set if isinstance(metric_set, dict) else {}
    solved_at = None
    if status in (Status.SOLVED, Status.CLOSED):
        # The export's metric set knows when it was solved; without one, its last update.
        solved_at = read_time(metrics.get("solved_at"), "solved_at") or updated
    return ImportedTicket(
        source_id=source_id,
        subject=subject[:500],
        status=status,
        priority=PRIORITIES.get(_text(row.get("priority")).lower(), Priority.P3),
        type=TYPES.get(type_name, TicketType.QUESTION),
        channel=channel,
        created_at=created,
        updated_at=max(updated, created),
        requester_source_id=requester,
        organisation_source_id=_id(row.get("organization_id")),
        assignee_source_id=_id(row.get("assignee_id")),
        solved_at=solved_at,
        tags=tuple(dict.fromkeys(tags)),
        custom_fields=_custom_fields(row, via_name),
        comments=comments,
        rating=_rating(row.get("satisfaction_rating")),
    )


def is_deleted_ticket(row: dict[str, Any]) -> bool:
    return _text(row.get("status")).lower() == "deleted"
