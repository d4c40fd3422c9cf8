"""Deflection: a portal suggestion that answered the customer before a ticket was opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Deflection:
    """A portal suggestion that answered the customer, so no ticket was opened."""

    contact_id: int
    organisation_id: int
    query: str
    source: str
    title: str
    created_at: datetime
    id: int | None = None
