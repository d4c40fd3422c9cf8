"""Storage of follow-the-sun regions, their engineers and the hand-overs between them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tierdesk.domain.handovers import Handover, HandoverStatus
from tierdesk.domain.regions import Region


@dataclass(frozen=True)
class HandoverFilter:
    to_region_id: int | None = None
    from_region_id: int | None = None
    status: HandoverStatus | None = None
    ticket_id: int | None = None


class RegionRepository(Protocol):
    def all(self) -> list[Region]: ...
    def get(self, region_id: int) -> Region | None: ...
    def named(self, name: str) -> Region | None: ...
    def add(self, region: Region) -> None: ...
    def delete(self, region: Region) -> None: ...
    def members(self, region_id: int) -> list[int]:
        """The ids of the region's agents."""
        ...

    def region_of(self, agent_id: int) -> int | None: ...
    def set_region(self, agent_id: int, region_id: int | None) -> None:
        """Put the agent in the region (an agent is in one region at most); None: in none."""
        ...


class HandoverRepository(Protocol):
    def add(self, handover: Handover) -> None: ...
    def get(self, handover_id: int) -> Handover | None: ...
    def for_ticket(self, ticket_id: int) -> list[Handover]:
        """Oldest first."""
        ...

    def for_shift(self, ticket_ids: Sequence[int], shift_end: datetime) -> dict[int, Handover]:
        """The hand-overs of these tickets at this shift end, by ticket id."""
        ...

    def page_any(self, region_id: int) -> bool:
        """Whether anything was handed over from or to the region."""
        ...

    def page(self, wanted: HandoverFilter, limit: int, before_id: int | None) -> list[Handover]:
        """Newest first, with ids below ``before_id``."""
        ...
