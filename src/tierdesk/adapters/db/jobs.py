"""Background work in storage: the job outbox and the record of every attempt to run a job.

A job row is written in the transaction of the change that schedules it, so it commits or rolls
back with that change (a transactional outbox). Workers claim rows by leasing them; a worker that
dies leaves a lease that runs out, and the next worker takes the job again.

Claiming is one code path on both engines: pick due rows, then take one with a conditional
UPDATE that re-checks "still due" (row count 1 means this worker won it). On PostgreSQL the pick
is ``SELECT … FOR UPDATE SKIP LOCKED``, so workers on several machines never wait on each other
and never take the same row; on SQLite writers are serialised and the conditional UPDATE alone
decides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from tierdesk.adapters.db.job_channel import notify_job
from tierdesk.adapters.db.memo import transaction_slot
from tierdesk.adapters.db.tables import json_dict, metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.jobs import ClaimedJob, Job, JobStatus

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

_j = jobs.c
_a = job_attempts.c

# Set in a session's info when it enqueued a job; the unit of work reads it after its commit.
JOBS_ENQUEUED = "tierdesk.jobs_enqueued"
_KEYS_ENQUEUED = "tierdesk.job_keys_enqueued"  # (its transactions, the keys they stored)


def _job(row: Row[Any]) -> Job:
    return Job(
        id=row.id,
        name=row.name,
        payload=dict(row.payload),
        status=JobStatus(row.status),
        run_at=row.run_at,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        created_at=row.created_at,
        key=row.key,
        locked_by=row.locked_by,
        locked_until=row.locked_until,
        last_error=row.last_error,
        finished_at=row.finished_at,
    )


# A runner asks for the next job every moment and after every job it ran: its statements are
# built once, with the moment, the task names and the lease as parameters.
_NOW = bindparam("claim_now", type_=UtcDateTime)
# Waiting and due, or leased by a worker whose lease ran out (it died or hung).
_DUE = or_(
    and_(_j.status == JobStatus.QUEUED, _j.run_at <= _NOW),
    and_(_j.status == JobStatus.RUNNING, _j.locked_until < _NOW),
)
_PICK = (
    select(_j.id, _j.name, _j.status, _j.attempts, _j.max_attempts, _j.payload)
    .where(_j.name.in_(bindparam("claim_names", expanding=True)), _DUE)
    .order_by(_j.run_at, _j.id)
)
_PICK_SOME = _PICK.limit(5)
# PostgreSQL: each runner skips the rows another one has locked, and so takes one at a time.
_PICK_ONE_UNLOCKED = _PICK.limit(1).with_for_update(skip_locked=True)
_CLAIM = (
    update(jobs)
    .where(_j.id == bindparam("claim_id"), _DUE)
    .values(
        status=JobStatus.RUNNING,
        attempts=_j.attempts + 1,
        locked_by=bindparam("claim_worker"),
        locked_until=bindparam("claim_until", type_=UtcDateTime),
    )
    .returning(_j.attempts)
)
_ADD_ATTEMPT = insert(job_attempts).returning(_a.id)
# What is set comes with the parameters (a column's name: its new value).
_END_ATTEMPT = update(job_attempts).where(_a.id == bindparam("end_id"))
_END_LEASE = update(jobs).where(
    _j.id == bindparam("end_id"),
    _j.status == JobStatus.RUNNING,
    _j.locked_by == bindparam("end_worker"),
    _j.attempts == bindparam("end_attempt"),
)


class SqlJobQueue:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

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
        values = {
            "name": name,
            "payload": payload,
            "key": key,
            "status": JobStatus.QUEUED,
            "run_at": run_at,
            "attempts": 0,
            "max_attempts": max_attempts,
            "created_at": at,
        }
        if key is None:
            new_id = self.session.execute(insert(jobs).values(values).returning(_j.id)).scalar_one()
        elif key in self._keys_enqueued():
            # this transaction stored the key already: opening a ticket with its first message
            # enqueues one follow-up for two events, and the second insert would add nothing
            return None
        else:
            # Insert-if-absent: a second enqueue of the key (even from a concurrent transaction,
            # which PostgreSQL makes wait for the first) adds nothing and returns no id.
            dialect_insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
            statement = (
                dialect_insert(jobs).values(values).on_conflict_do_nothing(index_elements=["key"])
            )
            new_id = self.session.execute(statement.returning(_j.id)).scalar_one_or_none()
            self._keys_enqueued().add(key)  # stored by this transaction or an earlier one
            if new_id is None:
                return None
        if self._dialect == "postgresql" and not self.session.info.get(JOBS_ENQUEUED):
            notify_job(self.session.connection())  # workers elsewhere hear of it at commit
        self.session.info[JOBS_ENQUEUED] = True  # the unit of work wakes a runner after commit
        return int(new_id)

    def _keys_enqueued(self) -> set[str]:
        """The job keys this transaction has stored, forgotten when it (or a savepoint in it)
        ends: a key is only known while the row that holds it is certain to be there."""
        return transaction_slot(self.session, _KEYS_ENQUEUED, set)

    def claim_next(
        self, worker: str, now: datetime, leases: Mapping[str, timedelta]
    ) -> ClaimedJob | None:
        if not leases:
            return None
        pick = _PICK_ONE_UNLOCKED if self._dialect == "postgresql" else _PICK_SOME
        rows = self.session.execute(pick, {"claim_now": now, "claim_names": list(leases)})
        for row in rows.all():
            if row.status == JobStatus.RUNNING and row.attempts >= row.max_attempts:
                self._give_up_lost(row.id, row.attempts, now)
                continue
            claimed = self.session.execute(
                _CLAIM,
                {
                    "claim_id": row.id,
                    "claim_now": now,
                    "claim_worker": worker,
                    "claim_until": now + leases[row.name],
                },
            ).scalar_one_or_none()
            if claimed is None:  # another worker took it between the pick and the update
                continue
            if row.attempts:  # only a job tried before can have an attempt left unfinished
                self._close_lost_attempts(row.id, now)
            attempt_id = self.session.execute(
                _ADD_ATTEMPT,
                {"job_id": row.id, "attempt": claimed, "worker": worker, "started_at": now},
            ).scalar_one()
            return ClaimedJob(
                id=row.id,
                name=row.name,
                payload=dict(row.payload),
                attempt=int(claimed),
                max_attempts=row.max_attempts,
                attempt_id=int(attempt_id),
            )
        return None

    def _close_lost_attempts(self, job_id: int, at: datetime) -> None:
        self.session.execute(
            update(job_attempts)
            .where(_a.job_id == job_id, _a.finished_at.is_(None))
            .values(finished_at=at, outcome="lost", error="the worker stopped before finishing")
        )

    def _give_up_lost(self, job_id: int, attempts: int, now: datetime) -> None:
        gave_up = self.session.execute(
            update(jobs)
            .where(_j.id == job_id, _j.status == JobStatus.RUNNING, _j.locked_until < now)
            .values(
                status=JobStatus.FAILED,
                finished_at=now,
                locked_by=None,
                locked_until=None,
                last_error=f"the worker running attempt {attempts} of {attempts} stopped "
                "before finishing",
            )
        )
        assert isinstance(gave_up, CursorResult)
        if gave_up.rowcount:
            self._close_lost_attempts(job_id, now)

    def _settle(
        self,
        claimed: ClaimedJob,
        worker: str,
        at: datetime,
        outcome: str,
        error: str | None,
        **job_values: Any,
    ) -> bool:
        self.session.execute(
            _END_ATTEMPT,
            {"end_id": claimed.attempt_id, "finished_at": at, "outcome": outcome, "error": error},
        )
        # Only while this worker still holds this attempt's lease: if it ran out and another
        # worker took the job over, that worker's outcome is the one that counts.
        held = {"end_id": claimed.id, "end_worker": worker, "end_attempt": claimed.attempt}
        result = self.session.execute(
            _END_LEASE, {**held, "locked_by": None, "locked_until": None, **job_values}
        )
        assert isinstance(result, CursorResult)
        return bool(result.rowcount)

    def finish(self, claimed: ClaimedJob, worker: str, at: datetime) -> bool:
        return self._settle(
            claimed, worker, at, "done", None, status=JobStatus.DONE, finished_at=at
        )

    def retry(
        self, claimed: ClaimedJob, worker: str, error: str, at: datetime, run_at: datetime
    ) -> bool:
        return self._settle(
            claimed,
            worker,
            at,
            "retry",
            error,
            status=JobStatus.QUEUED,
            run_at=run_at,
            last_error=error,
        )

    def fail(self, claimed: ClaimedJob, worker: str, error: str, at: datetime) -> bool:
        return self._settle(
            claimed,
            worker,
            at,
            "failed",
            error,
            status=JobStatus.FAILED,
            finished_at=at,
            last_error=error,
        )

    def get(self, job_id: int) -> Job | None:
        if not -(2**31) <= job_id < 2**31:
            return None
        row = self.session.execute(select(jobs).where(_j.id == job_id)).first()
        return _job(row) if row else None

    def by_key(self, key: str) -> Job | None:
        row = self.session.execute(select(jobs).where(_j.key == key)).first()
        return _job(row) if row else None

    def recent(self, statuses: Sequence[JobStatus], limit: int) -> list[Job]:
        query = select(jobs).order_by(_j.id.desc()).limit(limit)
        if statuses:
            query = query.where(_j.status.in_([str(s) for s in statuses]))
        return [_job(row) for row in self.session.execute(query)]

    def last_done_run_at(self, name: str) -> datetime | None:
        query = select(func.max(_j.run_at)).where(_j.name == name, _j.status == JobStatus.DONE)
        found: datetime | None = self.session.scalar(query)
        return found

    def prune(self, finished_before: datetime) -> int:
        old = select(_j.id).where(
            _j.status.in_([JobStatus.DONE, JobStatus.FAILED]), _j.finished_at < finished_before
        )
        self.session.execute(delete(job_attempts).where(_a.job_id.in_(old)))
        self.session.info.pop(_KEYS_ENQUEUED, None)  # a key remembered may name a row pruned
        result = self.session.execute(delete(jobs).where(_j.id.in_(old)))
        assert isinstance(result, CursorResult)
        return int(result.rowcount)
