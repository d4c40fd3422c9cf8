"""Storage of signed-in browsers and of the contacts' single-use sign-in links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.web_sessions import MagicLink, WebSession


@dataclass(frozen=True)
class SignedIn:
    """A live session and the active person it belongs to, read together in one query."""

    session_id: int
    last_seen_at: datetime
    person: Agent | Contact


class SessionRepository(Protocol):
    def add(self, session: WebSession) -> WebSession: ...
    def signed_in(self, digest: str, person_kind: str, now: datetime) -> SignedIn | None:
        """The session with this digest if it is of that kind, not ended, not expired, and its
        person still exists and is active; None otherwise. One query: it runs on every page."""
        ...

    def touch(self, session_id: int, at: datetime) -> None: ...
    def end(self, digest: str, at: datetime) -> WebSession | None:
        """End the live session with this digest; the ended session, or None if none was live."""
        ...

    def end_all(self, person_kind: str, person_id: int, at: datetime) -> int:
        """End every live session of the person; how many there were."""
        ...

    def prune(self, before: datetime) -> int:
        """Forget sessions that expired or ended before then."""
        ...


class MagicLinkRepository(Protocol):
    def add(self, link: MagicLink) -> MagicLink: ...
    def find(self, digest: str) -> MagicLink | None: ...
    def issued_since(self, contact_id: int, since: datetime) -> int:
        """How many links were issued to the contact since then (the mail limit counts them)."""
        ...

    def use(self, link_id: int, at: datetime) -> bool:
        """Mark the link used; False when someone used it first (single use, also racing)."""
        ...
