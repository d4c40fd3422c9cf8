"""What the trend reports read besides the tickets' trails (``ports/metrics.py``): the keys a
ticket is grouped by and the figures storage counts per period and group in one grouped query
each (values, not stored objects)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from tierdesk.domain.reports import Period, TicketKeys

# (period index, group key) → counts
Grouped = dict[tuple[int, str], tuple[int, int]]


class ReportSource(Protocol):
    def ticket_keys(self, ticket_ids: Collection[int]) -> dict[int, TicketKeys]: ...

    def sla_counts(self, periods: list[Period], grouping: str) -> Grouped:
        """(met, breached) customer first-response and resolution clocks decided per period,
        by the ticket's current level, queue, assignee or organisation."""
        ...

    def csat_counts(self, periods: list[Period], grouping: str) -> Grouped:
        """(ratings, sum of scores) per period and group, likewise."""
        ...

    def deflection_counts(self, periods: list[Period], grouping: str) -> Grouped:
        """(deflections, 0) per period, per organisation or (other groupings) whole."""
        ...

    def sla_tickets(self, period: Period, grouping: str, group: str) -> tuple[set[int], set[int]]:
        """The tickets behind one SLA figure: (every ticket with a clock decided, those met)."""
        ...

    def csat_tickets(self, period: Period, grouping: str, group: str) -> set[int]: ...

    def labels(self, grouping: str, keys: Collection[str]) -> dict[str, str]:
        """Display names of group keys (queue names are their own; agents and organisations by
        name)."""
        ...
