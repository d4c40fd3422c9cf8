"""Storage of queues."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tierdesk.domain.people import Agent
from tierdesk.domain.routing import Queue


class QueueRepository(Protocol):
    def add(self, queue: Queue, at: datetime) -> None: ...
    def get(self, key: str) -> Queue | None: ...
    def all(self) -> list[Queue]: ...
    def update(self, queue: Queue) -> None: ...
    def members(self, queue_key: str) -> list[Agent]: ...
