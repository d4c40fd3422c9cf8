"""Storage of automation rules and their firings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tierdesk.domain.rules import AutomationRule, Prefilter, Trigger


@dataclass(frozen=True)
class RuleFiring:
    rule_id: int
    ticket_id: int
    trigger_key: str
    fired_at: datetime
    closed_at: datetime | None


class RuleRepository(Protocol):
    """Automation rules and their firings (the record that makes "at most once" hold)."""

    def add(self, rule: AutomationRule) -> None: ...
    def get(self, rule_id: int) -> AutomationRule | None: ...
    def get_by_name(self, name: str) -> AutomationRule | None: ...
    def all(
        self, trigger: Trigger | None = None, enabled_only: bool = False
    ) -> list[AutomationRule]: ...
    def update(self, rule: AutomationRule) -> None: ...
    def delete(self, rule_id: int) -> None:
        """Remove the rule and the record of where it fired (its audit trail stays)."""
        ...

    def claim(self, rule_id: int, ticket_id: int, trigger_key: str, at: datetime) -> bool:
        """Record a firing; False (and nothing stored) when that key was claimed already."""
        ...

    def unclaim(self, rule_id: int, ticket_id: int, trigger_key: str) -> None:
        """Forget a claim whose firing turned out to have nothing to do."""
        ...

    def episodes(self, rule_id: int, ticket_id: int) -> tuple[int, bool]:
        """How many episodes a time rule has had on a ticket, and whether one is open."""
        ...

    def close_episodes(self, rule_id: int, ticket_id: int, at: datetime) -> None: ...
    def tickets_with_open_episodes(self, rule_id: int) -> list[int]: ...
    def rules_with_open_episodes(self, ticket_id: int) -> list[int]: ...
    def candidate_tickets(self, where: Prefilter, after_id: int, limit: int) -> list[int]:
        """Ids of tickets that are not closed and pass ``where``, ascending, after ``after_id``."""
        ...

    def status_since(self, ticket_id: int) -> datetime | None:
        """When the ticket last changed status (None: never since it was opened)."""
        ...

    def firings(self, rule_id: int, limit: int) -> list[RuleFiring]: ...
