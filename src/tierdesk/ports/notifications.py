"""Storage of agents' in-desk notifications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tierdesk.domain.notifications import Notification


class NotificationRepository(Protocol):
    def add(self, notification: Notification) -> None: ...
    def for_agent(self, agent_id: int, *, unread_only: bool, limit: int) -> list[Notification]: ...
    def mark_read(self, agent_id: int, ids: Sequence[int] | None, at: datetime) -> int: ...
    def unread_count(self, agent_id: int) -> int: ...
