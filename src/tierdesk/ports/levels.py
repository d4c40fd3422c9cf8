"""Storage of the support levels."""

from __future__ import annotations

from typing import Protocol

from tierdesk.domain.levels import Level
from tierdesk.domain.people import Tier


class LevelRepository(Protocol):
    def all(self) -> list[Level]: ...
    def get(self, tier: Tier) -> Level | None: ...
