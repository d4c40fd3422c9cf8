"""Storage of deflections (portal suggestions that answered the customer)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tierdesk.domain.deflection import Deflection


class DeflectionRepository(Protocol):
    def add(self, deflection: Deflection) -> Deflection: ...
    def since(self, since: datetime) -> list[Deflection]: ...
    def count(self, source: str) -> int:
        """How many deflections that suggestion (``Deflection.source``) answered."""
        ...
