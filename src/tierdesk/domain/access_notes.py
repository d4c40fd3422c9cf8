"""Access to customers' systems (issue 21 item 2): an organisation's access notes (a VPN, a jump
host, how to open a remote session, credentials), each at the organisation or at one of its
sites, with a title and a kind anyone at the vendor may read and a secret body only agents at
the levels the organisation allows may reveal, one reveal at a time, for a ticket.

The body never exists here in clear for longer than one reveal: a note holds its ciphertext
(``secret``), which the services get from and give to the desk's ``NoteCipher``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.messages import require_text
from tierdesk.domain.people import Agent, Tier
from tierdesk.errors import InvalidInputError, PermissionDeniedError

# Who may read the bodies when an organisation has said nothing: level 2 "has access to the
# customers' systems" (domain/levels.py); level 1 works from product knowledge.
DEFAULT_MIN_TIER = Tier.L2
MAX_BODY = 20_000


class AccessNoteKind(StrEnum):
    VPN = "vpn"
    JUMP_HOST = "jump_host"
    REMOTE_SESSION = "remote_session"
    CREDENTIALS = "credentials"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            AccessNoteKind.VPN: "VPN",
            AccessNoteKind.JUMP_HOST: "Jump host",
            AccessNoteKind.REMOTE_SESSION: "Remote session",
            AccessNoteKind.CREDENTIALS: "Credentials",
            AccessNoteKind.OTHER: "Other",
        }[self]


def parse_kind(value: str) -> AccessNoteKind:
    try:
        return AccessNoteKind(value.strip())
    except ValueError:
        known = ", ".join(k.value for k in AccessNoteKind)
        raise InvalidInputError(f"kind is one of {known}", field="kind") from None


def check_body(body: str) -> str:
    """The secret as typed (inner spacing kept: a pasted key file must stay what it was)."""
    if not body.strip():
        raise InvalidInputError("the secret cannot be empty", field="body")
    if len(body) > MAX_BODY:
        raise InvalidInputError(f"the secret is longer than {MAX_BODY} characters", field="body")
    return body


@dataclass(eq=False)
class AccessNote:
    """One way into a customer's systems. ``secret`` is the body's ciphertext, never the body;
    ``site_id`` None: the whole organisation."""

    organisation_id: int
    title: str
    kind: AccessNoteKind
    secret: str
    created_at: datetime
    updated_at: datetime
    site_id: int | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        self.title = require_text(self.title, "title", max_length=200)
        self.kind = AccessNoteKind(self.kind)


@dataclass(eq=False)
class AccessPolicy:
    """The lowest level whose agents may reveal an organisation's access notes."""

    organisation_id: int
    min_tier: Tier
    updated_at: datetime

    def __post_init__(self) -> None:
        self.min_tier = Tier(self.min_tier)


def may_reveal(agent: Agent, min_tier: Tier) -> bool:
    """By the levels an agent works, whatever their role: a lead's or admin's role is about
    running the desk, and a lead who works level 1 does not read level 2's secrets (they may
    still write and replace notes, and lower the organisation's level, which is audited)."""
    top = agent.highest_tier
    return agent.active and top is not None and top >= min_tier


def require_reveal(agent: Agent, min_tier: Tier) -> None:
    if not may_reveal(agent, min_tier):
        raise PermissionDeniedError(
            f"this organisation's access notes are for agents at {min_tier.label} and above",
            min_tier=int(min_tier),
        )


def ordered_for_site(notes: list[AccessNote], site_ids: set[int]) -> list[AccessNote]:
    """The notes of the sites a ticket is about first, then the organisation's, then the other
    sites' (each group as stored)."""

    def rank(note: AccessNote) -> int:
        if note.site_id is not None and note.site_id in site_ids:
            return 0
        return 1 if note.site_id is None else 2

    return sorted(notes, key=rank)
