"""Storage of API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class StoredToken:
    principal_kind: str
    principal_id: int
    token_id: int
    last_used_at: datetime | None = None


class TokenRepository(Protocol):
    def add(
        self, principal_kind: str, principal_id: int, digest: str, label: str, created_at: datetime
    ) -> int: ...
    def find(self, digest: str) -> StoredToken | None: ...
    def touch(self, token_id: int, at: datetime) -> None: ...
