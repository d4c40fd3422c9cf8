"""An agent's saved queue views: their own filters, kept by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SavedView:
    """A named set of queue filters, kept as the queue page's query string."""

    agent_id: int
    name: str
    query: str
    created_at: datetime
    id: int | None = None
