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

    def committed(self, versions: Mapping[str, int]) -> bool:
        """Whether ``versions``, read in this transaction, are the committed ones: not raised by
        a change of this transaction's own, which may still roll back."""
        ...

    def keep(self, loaded: object) -> None:
        """Let what this transaction loaded (a list of reference objects) outlive it as read:
        a rollback of its session would otherwise expire them under every other reader."""
        ...
