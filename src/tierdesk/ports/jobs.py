"""Storage of background jobs: the job outbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from tierdesk.domain.jobs import ClaimedJob, Job, JobStatus


class JobQueue(Protocol):
    """The job outbox. ``enqueue`` writes in the caller's transaction."""

    def enqueue(
        self,
        name: str,
        payload: dict[str, Any],
        *,
        at: datetime,
        run_at: datetime,
        key: str | None,
        max_attempts: int,
    ) -> int | None:
        """The new job's id; None when a job with this key exists already."""
        ...

    def claim_next(
        self, worker: str, now: datetime, leases: Mapping[str, timedelta]
    ) -> ClaimedJob | None:
        """Lease the next due job whose name is in ``leases`` (for that long), or one whose
        worker's lease ran out; records the attempt."""
        ...

    def finish(self, claimed: ClaimedJob, worker: str, at: datetime) -> bool: ...
    def retry(
        self, claimed: ClaimedJob, worker: str, error: str, at: datetime, run_at: datetime
    ) -> bool: ...
    def fail(self, claimed: ClaimedJob, worker: str, error: str, at: datetime) -> bool: ...
    def get(self, job_id: int) -> Job | None: ...
    def by_key(self, key: str) -> Job | None: ...
    def recent(self, statuses: Sequence[JobStatus], limit: int) -> list[Job]: ...
    def last_done_run_at(self, name: str) -> datetime | None:
        """When the newest job of task ``name`` that finished ``done`` was due (its slot, for a
        periodic job): the run covered everything up to at least then."""
        ...

    def prune(self, finished_before: datetime) -> int: ...
