"""How a process learns that reference data it keeps in memory changed in the database."""

from __future__ import annotations

from typing import Protocol


class ReferenceVersions(Protocol):
    def current(self) -> dict[str, int]:
        """The version of each kind of reference data ("catalog", "levels", "queues",
        "routing", "plans", "sla"): it rises with every change to the kind's tables, whoever
        makes it."""
        ...
