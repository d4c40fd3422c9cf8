"""How a process learns that reference data it keeps in memory changed in the database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class ReferenceVersions(Protocol):
    def current(self) -> dict[str, int]:
        """The version of each kind of reference data ("catalog", "levels", "queues",
        "routing", "plans", "sla"): it rises with every change to the kind's tables, whoever
        makes it."""
        ...

    def read_ahead(self) -> None:
        """Read the versions now and answer ``current()`` with them until this transaction
        ends. Only for the reads ahead of a commit's first write (``handlers.READ_AHEAD``; on
        SQLite every read after that write holds the one writer): nothing but event handlers
        runs after them, and no handler changes reference data."""
        ...

    def committed(self, versions: Mapping[str, int]) -> bool:
        """Whether ``versions``, read in this transaction, are the committed ones: not raised by
        a change of this transaction's own, which may still roll back."""
        ...

    def keep(self, loaded: object) -> None:
        """Let what this transaction loaded (a list of reference objects) outlive it as read:
        a rollback of its session would otherwise expire them under every other reader."""
        ...
