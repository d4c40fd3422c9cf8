"""Background jobs as values: what was scheduled, its state, and the retry schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for its run_at (again, after a failed attempt)
    RUNNING = "running"  # leased by a worker until locked_until
    DONE = "done"
    FAILED = "failed"  # gave up after max_attempts


@dataclass(frozen=True)
class Job:
    """A job as stored. ``attempts`` counts the attempts started so far."""

    id: int
    name: str
    payload: dict[str, Any]
    status: JobStatus
    run_at: datetime
    attempts: int
    max_attempts: int
    created_at: datetime
    key: str | None = None
    locked_by: str | None = None
    locked_until: datetime | None = None
    last_error: str | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker has leased: ``attempt`` is this attempt's number (1 for the first)."""

    id: int
    name: str
    payload: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1
    max_attempts: int = 1
    attempt_id: int = 0


def retry_delay(attempt: int, base: timedelta, ceiling: timedelta) -> timedelta:
    """Exponential back-off: ``base`` after the first failed attempt, doubling each time, never
    more than ``ceiling``."""
    if attempt < 1:
        raise ValueError("attempts are numbered from 1")
    return min(base * (1 << min(attempt - 1, 30)), ceiling)


def periodic_slot(now: datetime, every: timedelta) -> datetime:
    """The start of the period ``now`` falls in, counting whole periods from the Unix epoch, so
    every worker on every machine names the same slot."""
    if every <= timedelta(0):
        raise ValueError("a period must be positive")
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((now.astimezone(UTC) - epoch) // every) * every
