"""Storage of tickets."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import Scope


@dataclass(frozen=True)
class TicketFilter:
    status: Sequence[str] = ()
    priority: Sequence[str] = ()
    type: Sequence[str] = ()
    tier: Sequence[int] = ()
    queue: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    organisation_id: int | None = None
    requester_id: int | None = None
    product_id: int | None = None
    tag: str | None = None
    text: str | None = None


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> None: ...
    def get(self, ticket_id: int) -> Ticket | None: ...
    def get_by_number(self, number: str) -> Ticket | None: ...
    def get_many(self, ticket_ids: Collection[int]) -> list[Ticket]:
        """These tickets, in no particular order, in one query; missing ones left out."""
        ...

    def page(
        self,
        scope: Scope,
        filters: TicketFilter,
        limit: int,
        before_id: int | None,
        thread: bool = True,
    ) -> list[Ticket]:
        """``thread=False``: the tickets without their messages (reading them raises)."""
        ...

    def count(self, scope: Scope, filters: TicketFilter) -> int: ...
    def linked_to(self, ticket_id: int) -> list[Ticket]: ...
    def visible_ids(self, scope: Scope, ticket_ids: Collection[int]) -> set[int]: ...
