"""Storage of routing rules and what assignment reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tierdesk.domain.routing import Candidate, RoutingRule


@dataclass(frozen=True)
class CatalogNames:
    """What routing and rules need to know of a ticket's product, component and plan."""

    product_key: str | None = None
    product_name: str | None = None
    component_name: str | None = None
    plan_key: str | None = None


class RoutingRepository(Protocol):
    """Routing rules, and what assignment needs to know about agents and the catalogue."""

    def catalog_names(
        self, organisation_id: int, product_id: int | None, component_id: int | None
    ) -> CatalogNames:
        """One light read instead of loading the product with all its versions."""
        ...

    def add_rule(self, rule: RoutingRule, at: datetime) -> None: ...
    def rule(self, rule_id: int) -> RoutingRule | None: ...
    def rules(self) -> list[RoutingRule]: ...
    def update_rule(self, rule: RoutingRule, at: datetime) -> None: ...
    def delete_rule(self, rule_id: int) -> None: ...
    def candidates(self, queue_key: str) -> list[Candidate] | None:
        """The queue's members, each with their open tickets and when routing last gave them
        one, read with the queue locked until commit where the engine can (concurrent
        assignments into one queue see each other's choices). None: there is no such queue."""
        ...

    def mark_assigned(self, agent_id: int, at: datetime) -> None: ...
