"""Background work: one registry of named tasks and periodic jobs, and the transactional outbox.

A module that has background work registers it here::

    @TASKS.task("mail.send", max_attempts=8)
    def send_mail(desk: Desk, payload: dict[str, Any]) -> None: ...

    @TASKS.every(timedelta(minutes=1), name="sla.sweep")
    def sweep(desk: Desk, payload: dict[str, Any]) -> None: ...

and schedules it with :func:`enqueue` inside the use case's own unit of work, so the job is
stored if and only if the change that wanted it commits. Workers (``services/job_runner.py``: a
thread beside the web server, or ``tierdesk worker`` processes on any number of machines) lease
due jobs, run them, and record every attempt. A task that raises is retried with exponential
back-off up to its ``max_attempts``; a worker that dies mid-task leaves a lease that runs out,
and another worker runs the job again. Delivery is therefore at least once: tasks must be
idempotent (the SLA sweep is: firing is a conditional update).

Periodic jobs are ordinary jobs keyed by their time slot (``sla.sweep@2026-03-02T09:01:00+00:00``):
every worker tries to enqueue the current slot, the key lets exactly one of them succeed.
Missed slots are coalesced, explicitly: only the current slot is ever enqueued, so when every
worker was busy (or down) through a slot, that slot never runs and the next one does its work.
For that a periodic task is told, in ``payload["since"]``, when the newest run that completed
was due (ISO 8601; None when none is on record), and covers everything from then on, not just
"now" (the SLA sweep warns of clocks that ran out in between before it breaches them).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tierdesk.domain.jobs import ClaimedJob, Job, JobStatus, periodic_slot, retry_delay
from tierdesk.domain.people import Actor
from tierdesk.errors import ConfigurationError, InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services import log_context
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk

logger = logging.getLogger(__name__)

TaskFunction = Callable[[Desk, dict[str, Any]], None]

# Finished jobs are kept this long for inspection (`tierdesk worker jobs`), then pruned.
KEEP_FINISHED = timedelta(days=7)
_ERROR_LIMIT = 4000  # characters of a failure kept on the job (the tail of the traceback)


@dataclass(frozen=True)
class Task:
    name: str
    run: TaskFunction
    max_attempts: int = 5
    lease: timedelta = timedelta(minutes=5)  # longer than the task ever takes
    retry_base: timedelta = timedelta(seconds=30)
    retry_ceiling: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class PeriodicJob:
    task: str
    every: timedelta


@dataclass
class TaskRegistry:
    tasks: dict[str, Task] = field(default_factory=dict)
    periodic: dict[str, PeriodicJob] = field(default_factory=dict)

    def task(
        self,
        name: str,
        *,
        max_attempts: int = 5,
        lease: timedelta = timedelta(minutes=5),
        retry_base: timedelta = timedelta(seconds=30),
        retry_ceiling: timedelta = timedelta(hours=1),
    ) -> Callable[[TaskFunction], TaskFunction]:
        """Register ``function`` as the task ``name``."""
        if max_attempts < 1 or lease <= timedelta(0):
            raise ConfigurationError(f"task {name}: needs at least one attempt and a lease")

        def register(function: TaskFunction) -> TaskFunction:
            if name in self.tasks and self.tasks[name].run is not function:
                raise ConfigurationError(f"two tasks are named {name!r}")
            self.tasks[name] = Task(name, function, max_attempts, lease, retry_base, retry_ceiling)
            return function

        return register

    def every(
        self, period: timedelta, *, name: str, max_attempts: int = 1, lease: timedelta | None = None
    ) -> Callable[[TaskFunction], TaskFunction]:
        """Register a task and run it once per ``period`` (one run per slot across all
        workers). One attempt by default: the next slot is the retry."""

        def register(function: TaskFunction) -> TaskFunction:
            self.task(
                name, max_attempts=max_attempts, lease=lease or min(period * 5, timedelta(hours=1))
            )(function)
            self.run_periodically(name, period)
            return function

        return register

    def run_periodically(self, task: str, period: timedelta) -> None:
        """Schedule an already registered task every ``period``. This is the hook for other
        areas' periodic work, e.g. ``TASKS.run_periodically("rules.sweep", minutes(1))``."""
        if task not in self.tasks:
            raise ConfigurationError(f"no task {task!r} to run periodically")
        if period < timedelta(seconds=1):
            raise ConfigurationError("periodic jobs run at most once a second")
        self.periodic[task] = PeriodicJob(task, period)

    def get(self, name: str) -> Task:
        task = self.tasks.get(name)
        if task is None:
            raise ConfigurationError(f"no task named {name!r} is registered")
        return task

    def leases(self) -> dict[str, timedelta]:
        return {name: task.lease for name, task in self.tasks.items()}


# The desk's tasks. Modules with background work register here and are imported by bootstrap.
TASKS = TaskRegistry()


def enqueue(
    uow: UnitOfWork,
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    at: datetime,
    key: str | None = None,
    run_at: datetime | None = None,
    registry: TaskRegistry = TASKS,
) -> int | None:
    """Schedule task ``name`` in the caller's transaction (nothing is stored unless it commits).
    ``key`` makes scheduling idempotent: a second job with the same key is not added (returns
    None). ``run_at`` defers it; by default it is due at once."""
    task = registry.get(name)
    payload = dict(payload or {})
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"the payload of {name} is not JSON: {exc}") from exc
    if key is not None and not 0 < len(key) <= 255:
        raise InvalidInputError("a job key has 1 to 255 characters", field="key")
    return uow.jobs.enqueue(
        name,
        payload,
        at=at,
        run_at=run_at or at,
        key=key,
        max_attempts=task.max_attempts,
    )


def schedule_periodic_jobs(desk: Desk, registry: TaskRegistry = TASKS) -> int:
    """Enqueue the current slot of every periodic job that is not enqueued yet."""
    if not registry.periodic:
        return 0
    now = desk.clock.now()
    added = 0
    with desk.uow() as uow:
        for job in registry.periodic.values():
            slot = periodic_slot(now, job.every)
            key = f"{job.task}@{slot.isoformat()}"
            payload = {"slot": slot.isoformat()}
            if enqueue(uow, job.task, payload, at=now, key=key, run_at=slot, registry=registry):
                added += 1
        uow.commit()
    return added


def run_next_job(desk: Desk, worker: str, registry: TaskRegistry = TASKS) -> ClaimedJob | None:
    """Lease the next due job, run it, record the outcome. None when nothing was due."""
    with desk.uow() as uow:
        claimed = uow.jobs.claim_next(worker, desk.clock.now(), registry.leases())
        payload = dict(claimed.payload) if claimed else {}
        if claimed is not None and claimed.name in registry.periodic:
            payload["since"] = _covered_since(uow, registry.periodic[claimed.name], payload)
        uow.commit()
    if claimed is None:
        return None
    task = registry.get(claimed.name)
    with log_context.bound(job=claimed.id, ticket=_ticket_of(payload)):
        logger.info("job %s (%s) attempt %s started", claimed.id, claimed.name, claimed.attempt)
        try:
            task.run(desk, payload)
        except Exception as exc:  # a task's failure is recorded on the job; the worker goes on
            _record_failure(desk, worker, task, claimed, exc)
            return claimed
        with desk.uow() as uow:
            uow.jobs.finish(claimed, worker, desk.clock.now())
            uow.commit()
        logger.info("job %s (%s) done", claimed.id, claimed.name)
    return claimed


def _ticket_of(payload: dict[str, Any]) -> str | None:
    """The ticket a job is about, for its log lines, when its payload names one."""
    ticket = payload.get("ticket_id", payload.get("ticket"))
    return f"#{ticket}" if isinstance(ticket, int) else ticket if isinstance(ticket, str) else None


def _covered_since(uow: UnitOfWork, job: PeriodicJob, payload: dict[str, Any]) -> str | None:
    """Where a periodic run's work starts: when the newest completed run was due. Slots in
    between were coalesced into this one (logged, so a backlog shows)."""
    since = uow.jobs.last_done_run_at(job.task)
    slot = payload.get("slot")
    if since is not None and isinstance(slot, str):
        missed = (datetime.fromisoformat(slot) - since) // job.every - 1
        if missed > 0:
            logger.info(
                "%s: %s missed slot(s) since %s coalesced into %s", job.task, missed, since, slot
            )
    return since.isoformat() if since else None


def _record_failure(
    desk: Desk, worker: str, task: Task, claimed: ClaimedJob, exc: Exception
) -> None:
    error = "".join(traceback.format_exception(exc))[-_ERROR_LIMIT:]
    now = desk.clock.now()
    with desk.uow() as uow:
        if claimed.attempt < claimed.max_attempts:
            delay = retry_delay(claimed.attempt, task.retry_base, task.retry_ceiling)
            uow.jobs.retry(claimed, worker, error, now, now + delay)
            logger.warning(
                "job %s (%s) attempt %s failed, retrying in %s: %s",
                claimed.id,
                claimed.name,
                claimed.attempt,
                delay,
                exc,
            )
        else:
            uow.jobs.fail(claimed, worker, error, now)
            logger.error(
                "job %s (%s) failed for good after %s attempts: %s",
                claimed.id,
                claimed.name,
                claimed.attempt,
                exc,
            )
        uow.commit()


def run_pending_jobs(
    desk: Desk,
    worker: str,
    *,
    registry: TaskRegistry = TASKS,
    limit: int = 100,
    schedule: bool = True,
) -> int:
    """Schedule periodic jobs (unless ``schedule`` is False), then run due jobs until none is
    left (or ``limit`` ran)."""
    if schedule:
        schedule_periodic_jobs(desk, registry)
    ran = 0
    while ran < limit and run_next_job(desk, worker, registry) is not None:
        ran += 1
    return ran


@TASKS.every(timedelta(hours=1), name="jobs.prune")
def prune_finished_jobs(desk: Desk, _payload: dict[str, Any]) -> None:
    """Forget jobs that finished more than a week ago (periodic slots add one row each)."""
    with desk.uow() as uow:
        removed = uow.jobs.prune(desk.clock.now() - KEEP_FINISHED)
        uow.commit()
    logger.info("pruned %s finished jobs", removed)


def list_jobs(
    desk: Desk, actor: Actor, statuses: Sequence[JobStatus] = (), limit: int = 50
) -> list[Job]:
    """The newest jobs, optionally only those in ``statuses`` (``failed`` ones need a look)."""
    require_lead(actor, "look at background jobs")
    if not 1 <= limit <= 1000:
        raise InvalidInputError("limit must be between 1 and 1000", field="limit")
    with desk.uow() as uow:
        return uow.jobs.recent(statuses, limit)
