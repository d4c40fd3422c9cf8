"""What the escalation metrics read: a read model over the tickets' trail, their clocks and the
L3 outcomes (values, not stored objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tierdesk.domain.metrics import ClockVerdict, TicketTrail


class MetricsSource(Protocol):
    """Reads for the escalation metrics; ``product_id`` None means every product."""

    def trails(self, since: datetime, until: datetime, product_id: int | None) -> list[TicketTrail]:
        """Tickets opened before ``until`` that had an event in the period or were still
        unsolved at its start, with their level and status events, oldest first."""
        ...

    def clock_verdicts(
        self, since: datetime, until: datetime, product_id: int | None
    ) -> list[ClockVerdict]: ...
    def outcomes(
        self, since: datetime, until: datetime, product_id: int | None
    ) -> list[tuple[datetime, str]]: ...
    def active_tickets(self, since: datetime, until: datetime, product_id: int | None) -> int:
        """How many tickets had an event in ``[since, until)``."""
        ...

    def first_event_at(self, product_id: int | None) -> datetime | None:
        """When the first ticket event was recorded (None: no ticket yet)."""
        ...
