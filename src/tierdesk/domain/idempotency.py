"""The one-time keys that make a form's post count once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class IdempotencyKey:
    """A one-time key a form carried, stored with the ticket its post made or changed, so that
    the same post sent again (Back and Send, a double click) is answered as the first was."""

    key: str
    who: str  # "contact:12", "agent:3": a key answers only the person who used it
    ticket_id: int
    created_at: datetime
    expires_at: datetime
