"""A signed-in browser: the server-side record a session cookie points at.

The cookie carries only a random id (and the form token); the desk keeps the id's digest, who
it belongs to and until when. Ending the record ends the session wherever the cookie was
copied to: sign-out, a password change and deactivation all do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

SESSION_LIFETIME = timedelta(hours=12)
# Reading a session must not write on every request: "last seen" is refreshed at most this often.
LAST_SEEN_GRANULARITY = timedelta(minutes=1)


class SessionEnd(StrEnum):
    """Why all of somebody's sessions were ended (the audit trail records it)."""

    PASSWORD_CHANGED = "password changed"  # noqa: S105 - a reason, not a password; by the person
    PASSWORD_SET = "password set"  # noqa: S105 - a reason, not a password; by a lead or admin
    DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class WebSession:
    person_kind: str  # "agent" or "contact"
    person_id: int
    digest: str  # SHA-256 of the id in the cookie
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None
    id: int | None = None

    @classmethod
    def starting(cls, person_kind: str, person_id: int, digest: str, at: datetime) -> WebSession:
        return cls(person_kind, person_id, digest, at, at + SESSION_LIFETIME, at)

    def live_at(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at


def needs_last_seen(last_seen_at: datetime, now: datetime) -> bool:
    """Whether a request at ``now`` should record itself as the session's last activity."""
    return now - last_seen_at >= LAST_SEEN_GRANULARITY
