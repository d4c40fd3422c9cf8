"""Background work: the job outbox and the record of every attempt to run a job.

A job row is written in the transaction of the change that schedules it, so it commits or rolls
back with that change (a transactional outbox). Workers claim rows by leasing them; a worker that
dies leaves a lease that runs out, and the next worker takes the job again."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from tierdesk.adapters.db.tables import json_dict, metadata
from tierdesk.adapters.db.types import UtcDateTime

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("payload", json_dict(), nullable=False),
    # Scheduling the same key twice is one job (periodic slots, "once per ticket" work).
    Column("key", String(255), unique=True),
    Column("status", String(16), nullable=False),  # queued, running, done, failed
    Column("run_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("locked_by", String(120)),
    Column("locked_until", UtcDateTime),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Index("ix_jobs_status_run_at", "status", "run_at"),
)

job_attempts = Table(
    "job_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("worker", String(120), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),  # None: the worker died (or is still running it)
    Column("outcome", String(16)),  # done, retry, failed
    Column("error", Text),
)
