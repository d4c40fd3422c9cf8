"""What the operations endpoints read (``/metrics``, ``/api/v1/health/ready``): counts grouped
by a few columns, one cheap query each, read when asked rather than counted as things happen,
so that work done by any process (the web server, a worker, the mail poller) is seen."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class OperationsReadings(Protocol):
    def ping(self) -> None:
        """One round trip to the database; raises when it does not answer."""
        ...

    def jobs_by_name_and_status(self) -> dict[tuple[str, str], int]: ...
    def oldest_due_job(self, now: datetime) -> datetime | None:
        """When the longest-waiting queued job that is due now was due (None: none waits)."""
        ...

    def due_job_count(self, now: datetime) -> int:
        """Queued jobs that are due now: the queue's depth."""
        ...

    def tickets_by_tier_and_status(self) -> dict[tuple[int, str], int]: ...
    def inbound_mail_by_outcome(self) -> dict[str, int]: ...
    def outbound_mail_by_status(self) -> dict[str, int]: ...
    def sla_marks_by_kind(self) -> dict[str, tuple[int, int]]:
        """Per clock kind: how many clocks warned and how many breached, ever."""
        ...

    def answers_by_outcome(self) -> dict[str, int]:
        """Automatic answers by their outcome; ``pending`` when none is known yet."""
        ...
