"""Storage of the forms' one-time keys."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tierdesk.domain.idempotency import IdempotencyKey


class IdempotencyKeyRepository(Protocol):
    def get(self, key: str) -> IdempotencyKey | None: ...
    def add(self, used: IdempotencyKey) -> None:
        """Store the key at once; ConflictError when it is stored already (a request with the
        same key racing this one waits for that one's transaction, then collides)."""
        ...

    def purge(self, now: datetime) -> int: ...
