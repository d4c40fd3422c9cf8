"""Storage of tickets."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
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
    updated_since: datetime | None = None


class TicketSort(StrEnum):
    """A ticket order: a key, descending with ``-``. Priority ascending is the most urgent
    (P1) first. Ties are broken by id, in the same direction."""

    CREATED = "created"
    NEWEST = "-created"
    UPDATED = "updated"
    RECENTLY_UPDATED = "-updated"
    PRIORITY = "priority"
    LEAST_URGENT = "-priority"

    @property
    def key(self) -> str:
        return self.value.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")


@dataclass(frozen=True)
class TicketKeyset:
    """Where a page of tickets in a ``TicketSort`` order resumes: after this sort value (a time
    for created/updated, the priority's value for priority) and id."""

    value: datetime | str
    id: int


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
        *,
        sort: TicketSort | None = None,
        after: TicketKeyset | None = None,
    ) -> list[Ticket]:
        """Without ``sort``: newest id first, below ``before_id``; with it: in that order,
        after ``after``. ``thread=False``: the tickets without their messages (reading them
        raises)."""
        ...

    def count(self, scope: Scope, filters: TicketFilter) -> int: ...
    def linked_to(self, ticket_id: int) -> list[Ticket]: ...
    def merged_into(self, ticket_ids: Collection[int]) -> list[Ticket]: ...
    def visible_ids(self, scope: Scope, ticket_ids: Collection[int]) -> set[int]: ...
