"""What is said on a ticket: messages, their attachments, and the rules for attachments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tierdesk.errors import InvalidInputError, TooLargeError


class MessageKind(StrEnum):
    CUSTOMER = "customer"  # written by the requester or a colleague of theirs
    PUBLIC_REPLY = "public-reply"  # written by an agent, seen by the customer
    INTERNAL_NOTE = "internal-note"  # written by an agent, never seen by a customer

    @property
    def is_public(self) -> bool:
        return self is not MessageKind.INTERNAL_NOTE


class Channel(StrEnum):
    EMAIL = "email"
    PORTAL = "portal"
    API = "api"
    CLI = "cli"
    PHONE = "phone"
    WEB = "web"


@dataclass(eq=False)
class Attachment:
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str
    created_at: datetime
    restricted: bool = False  # customer-system diagnostics: only levels that see restricted
    message_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Message:
    kind: MessageKind
    author_kind: str
    author_id: int | None
    author_name: str
    body_text: str
    created_at: datetime
    channel: Channel = Channel.API
    body_html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    ticket_id: int | None = None
    id: int | None = None

    @property
    def is_public(self) -> bool:
        return self.kind.is_public


_UNSAFE_FILENAME = re.compile(r"[^\w.\- ()+]", re.UNICODE)


def clean_filename(filename: str) -> str:
    """A file name safe to show and to offer for download: no path, no control characters."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = _UNSAFE_FILENAME.sub("_", base).strip(". ")
    return base[:200] or "attachment"


def check_attachment_size(size: int, limit: int) -> None:
    if size <= 0:
        raise InvalidInputError("an attachment cannot be empty", field="attachment")
    if size > limit:
        raise TooLargeError(
            f"attachment is {size} bytes; the limit is {limit} bytes", size=size, limit=limit
        )


def require_text(text: str, what: str, *, max_length: int = 200_000) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInputError(f"{what} cannot be empty", field=what)
    if len(cleaned) > max_length:
        raise TooLargeError(f"{what} is longer than {max_length} characters", field=what)
    return cleaned
