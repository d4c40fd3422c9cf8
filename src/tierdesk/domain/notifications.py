"""In-desk notifications: what the desk wants an agent to know (an SLA warning, a breach).

They are records first; delivering them by mail or chat is a separate concern that reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(eq=False)
class Notification:
    agent_id: int
    kind: str  # "sla.warning", "sla.breach", …
    text: str
    created_at: datetime
    ticket_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    read_at: datetime | None = None
    id: int | None = None

    @property
    def unread(self) -> bool:
        return self.read_at is None
