"""The job outbox on both engines: scheduling is transactional and idempotent, failures are
retried with back-off and recorded, leases that run out hand the job to another worker,
periodic jobs run once per slot however many workers there are, workers racing for jobs never
run one twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.sla.support import FIRST, a_lead, open_ticket, utc
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.jobs import job_attempts
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.jobs import JobStatus
from tierdesk.errors import ConfigurationError, InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services import sla, tickets
from tierdesk.services.desk import Desk
from tierdesk.services.job_runner import JobRunner
from tierdesk.services.jobs import (
    KEEP_FINISHED,
    TASKS,
    TaskRegistry,
    enqueue,
    run_next_job,
    run_pending_jobs,
    schedule_periodic_jobs,
)
from tierdesk.services.sla_sweep import SweepResult, sweep_deadlines


class Recorder:
    """Tasks for one test, in a registry of their own, recording what they were asked to do."""

    def __init__(self) -> None:
        self.registry = TaskRegistry()
        self.done: list[Any] = []
        self.failures_left = 0
        self.lock = threading.Lock()

        @self.registry.task("test.record", max_attempts=3, retry_base=timedelta(minutes=1))
        def record(_desk: Desk, payload: dict[str, Any]) -> None:
            with self.lock:
                if self.failures_left:
                    self.failures_left -= 1
                    raise RuntimeError(f"mail relay refused {payload['n']}")
                self.done.append(payload["n"])


def set_policy(desk: Desk, plan: str, priority: str, fields: sla.PolicyFields) -> None:
    lead = a_lead(desk)
    view = next(
        v
        for v in sla.list_policies(desk, lead)
        if v.plan_key == plan and v.policy.priority == priority
    )
    sla.update_policy(desk, lead, view.policy.id or 0, fields)


def job(desk: Desk, job_id: int | None):  # type: ignore[no-untyped-def]
    with desk.uow() as uow:
        return uow.jobs.get(job_id or 0)


def attempts(app: Tierdesk, job_id: int | None) -> list[tuple[int, str | None, bool]]:
    a = job_attempts.c
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(a.attempt, a.outcome, a.error).where(a.job_id == job_id).order_by(a.id)
        )
        return [(r.attempt, r.outcome, r.error is not None) for r in rows]


def test_a_job_is_stored_only_when_the_transaction_that_scheduled_it_commits(
    desk: Desk, clock: FixedClock
) -> None:
    tasks = Recorder()
    with desk.uow() as uow:
        enqueue(uow, "test.record", {"n": 1}, at=clock.now(), registry=tasks.registry)
        # no commit: the change that wanted the job did not happen, so neither does the job
    with desk.uow() as uow:
        kept = enqueue(uow, "test.record", {"n": 2}, at=clock.now(), registry=tasks.registry)
        uow.commit()

    while run_next_job(desk, "w1", tasks.registry):
        pass

    assert tasks.done == [2]
    assert job(desk, kept).status is JobStatus.DONE


def test_scheduling_the_same_key_twice_is_one_job(desk: Desk, clock: FixedClock) -> None:
    tasks = Recorder()
    with desk.uow() as uow:
        first = enqueue(
            uow, "test.record", {"n": 1}, at=clock.now(), key="ticket-7", registry=tasks.registry
        )
        again = enqueue(
            uow, "test.record", {"n": 2}, at=clock.now(), key="ticket-7", registry=tasks.registry
        )
        uow.commit()
    with desk.uow() as uow:
        later = enqueue(
            uow, "test.record", {"n": 3}, at=clock.now(), key="ticket-7", registry=tasks.registry
        )
        uow.commit()

    run_pending_jobs(desk, "w1", registry=tasks.registry)

    assert first is not None and again is None and later is None
    assert tasks.done == [1]


def test_finished_jobs_are_pruned_after_the_keep_period_and_their_key_is_free_again(
    desk: Desk, clock: FixedClock
) -> None:
    tasks = Recorder()

    def schedule(uow: UnitOfWork, n: int) -> int | None:
        return enqueue(
            uow, "test.record", {"n": n}, at=clock.now(), key="k", registry=tasks.registry
        )

    with desk.uow() as uow:
        done = schedule(uow, 1)
        uow.commit()
    run_pending_jobs(desk, "w1", registry=tasks.registry)
    clock.advance(KEEP_FINISHED + timedelta(minutes=1))

    with desk.uow() as uow:
        # the key is remembered by this transaction, then pruned in it: scheduled again
        assert schedule(uow, 2) is None
        assert uow.jobs.prune(clock.now() - KEEP_FINISHED) == 1
        again = schedule(uow, 3)
        uow.commit()
    run_pending_jobs(desk, "w1", registry=tasks.registry)

    assert done is not None and again is not None
    assert job(desk, again).payload == {"n": 3}  # SQLite may give the pruned row's id again
    assert tasks.done == [1, 3]


def test_unknown_tasks_and_payloads_that_are_not_json_are_refused(
    desk: Desk, clock: FixedClock
) -> None:
    with desk.uow() as uow:
        with pytest.raises(ConfigurationError, match="no task named"):
            enqueue(uow, "no.such.task", {}, at=clock.now())
        with pytest.raises(InvalidInputError, match="not JSON"):
            enqueue(uow, "sla.sweep", {"when": clock.now()}, at=clock.now())


def test_a_failing_task_is_retried_with_growing_delays_then_given_up_and_every_try_recorded(
    app: Tierdesk, desk: Desk, clock: FixedClock
) -> None:
    tasks = Recorder()
    tasks.failures_left = 5
    with desk.uow() as uow:
        job_id = enqueue(uow, "test.record", {"n": 1}, at=clock.now(), registry=tasks.registry)
        uow.commit()

    assert run_next_job(desk, "w1", tasks.registry) is not None
    retried = job(desk, job_id)
    assert (retried.status, retried.attempts) == (JobStatus.QUEUED, 1)
    assert retried.run_at == clock.now() + timedelta(minutes=1)
    assert "mail relay refused 1" in (retried.last_error or "")
    assert run_next_job(desk, "w1", tasks.registry) is None  # not due before its back-off

    clock.advance(timedelta(minutes=1))
    run_next_job(desk, "w1", tasks.registry)
    assert job(desk, job_id).run_at == clock.now() + timedelta(minutes=2)  # doubled
    clock.advance(timedelta(minutes=2))
    run_next_job(desk, "w1", tasks.registry)

    gave_up = job(desk, job_id)
    assert (gave_up.status, gave_up.attempts) == (JobStatus.FAILED, 3)
    assert attempts(app, job_id) == [(1, "retry", True), (2, "retry", True), (3, "failed", True)]
    assert tasks.done == []


def test_a_task_that_fails_once_succeeds_on_its_retry(desk: Desk, clock: FixedClock) -> None:
    tasks = Recorder()
    tasks.failures_left = 1
    with desk.uow() as uow:
        job_id = enqueue(uow, "test.record", {"n": 9}, at=clock.now(), registry=tasks.registry)
        uow.commit()

    run_next_job(desk, "w1", tasks.registry)
    clock.advance(timedelta(minutes=1))
    run_next_job(desk, "w1", tasks.registry)

    assert tasks.done == [9]
    assert (job(desk, job_id).status, job(desk, job_id).attempts) == (JobStatus.DONE, 2)


def test_a_job_whose_worker_vanished_is_taken_over_when_the_lease_runs_out(
    app: Tierdesk, desk: Desk, clock: FixedClock
) -> None:
    tasks = Recorder()
    with desk.uow() as uow:
        job_id = enqueue(uow, "test.record", {"n": 4}, at=clock.now(), registry=tasks.registry)
        uow.commit()
    with desk.uow() as uow:  # worker A leases the job and is never heard of again
        lost = uow.jobs.claim_next("A", clock.now(), tasks.registry.leases())
        uow.commit()
    assert lost is not None

    assert run_next_job(desk, "B", tasks.registry) is None  # A's lease still holds
    clock.advance(timedelta(minutes=5, seconds=1))
    assert run_next_job(desk, "B", tasks.registry) is not None

    assert tasks.done == [4]
    assert job(desk, job_id).status is JobStatus.DONE
    assert attempts(app, job_id) == [(1, "lost", True), (2, "done", False)]
    with desk.uow() as uow:  # A comes back from the dead: its word no longer counts
        assert not uow.jobs.finish(lost, "A", clock.now())
        uow.commit()
    assert job(desk, job_id).status is JobStatus.DONE


def test_periodic_jobs_run_once_per_slot_however_many_workers_schedule_them(
    desk: Desk, clock: FixedClock
) -> None:
    tasks = Recorder()
    runs: list[str] = []
    tasks.registry.every(timedelta(minutes=1), name="test.tick")(
        lambda _desk, payload: runs.append(payload["slot"])
    )
    clock.at = utc(2026, 3, 2, 9, 0, 30)

    for worker in ("A", "B", "C"):
        run_pending_jobs(desk, worker, registry=tasks.registry)
    clock.advance(timedelta(seconds=20))  # same minute
    assert schedule_periodic_jobs(desk, tasks.registry) == 0
    clock.advance(timedelta(seconds=20))  # the next minute
    run_pending_jobs(desk, "B", registry=tasks.registry)

    assert runs == ["2026-03-02T09:00:00+00:00", "2026-03-02T09:01:00+00:00"]


def test_running_the_sweep_job_twice_does_nothing_twice(desk: Desk, clock: FixedClock) -> None:
    ticket = open_ticket(desk)
    clock.at = utc(2026, 3, 2, 17, 1)
    only_the_sweep = TaskRegistry(tasks={"sla.sweep": TASKS.get("sla.sweep")})
    only_the_sweep.run_periodically("sla.sweep", timedelta(minutes=1))

    run_pending_jobs(desk, "A", registry=only_the_sweep)
    clock.advance(timedelta(minutes=1))
    run_pending_jobs(desk, "B", registry=only_the_sweep)  # a new slot: the sweep runs again

    with desk.uow() as uow:
        fired = [d for d in uow.deadlines.for_ticket(ticket.id or 0) if d.breached_at]
        sweeps = uow.jobs.recent([JobStatus.DONE], 10)
    assert len(fired) == 3  # first response, L0 pickup, L0 hand-off: each once
    assert [j.name for j in sweeps] == ["sla.sweep", "sla.sweep"]
    assert sweep_deadlines(desk) == SweepResult()


@pytest.mark.parametrize("workers", [2, 4])
def test_workers_racing_for_jobs_run_each_job_exactly_once(
    desk: Desk, clock: FixedClock, workers: int
) -> None:
    tasks = Recorder()
    with desk.uow() as uow:
        for n in range(40):
            enqueue(uow, "test.record", {"n": n}, at=clock.now(), registry=tasks.registry)
        uow.commit()
    start = threading.Barrier(workers)
    failures: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            run_pending_jobs(desk, name, registry=tasks.registry)
        except BaseException as failure:
            failures.append(failure)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert failures == []
    assert Counter(tasks.done) == Counter(range(40))
    with desk.uow() as uow:
        assert {j.status for j in uow.jobs.recent([], 100)} == {JobStatus.DONE}


def test_the_background_thread_runs_jobs_as_they_come_and_stops_when_asked(
    desk: Desk, clock: FixedClock
) -> None:
    tasks = Recorder()
    runner = JobRunner(desk, registry=tasks.registry, poll_seconds=0.05)
    runner.start()
    try:
        with desk.uow() as uow:
            enqueue(uow, "test.record", {"n": 1}, at=clock.now(), registry=tasks.registry)
            uow.commit()
        finished = threading.Event()
        for _ in range(400):
            if tasks.done:
                finished.set()
                break
            finished.wait(0.05)
        assert tasks.done == [1]
    finally:
        assert runner.stop(timeout=10)
    assert not runner.running


@pytest.mark.parametrize("preparing_fails", [False, True])
def test_a_runner_prepares_once_before_its_first_job_and_runs_even_if_preparing_failed(
    desk: Desk, clock: FixedClock, preparing_fails: bool
) -> None:
    tasks = Recorder()
    order: list[str] = []

    def prepare() -> None:
        order.append("prepared")
        if preparing_fails:
            raise RuntimeError("the model is away")

    def record(_desk: Desk, payload: dict[str, Any]) -> None:
        order.append(f"job {payload['n']}")

    tasks.registry.task("test.order")(record)
    with desk.uow() as uow:
        for n in (1, 2):
            enqueue(uow, "test.order", {"n": n}, at=clock.now(), registry=tasks.registry)
        uow.commit()
    runner = JobRunner(desk, registry=tasks.registry, poll_seconds=0.05, prepare=prepare)
    runner.start()
    try:
        for _ in range(400):
            if len(order) == 3:
                break
            threading.Event().wait(0.05)
    finally:
        assert runner.stop(timeout=10)
    assert order == ["prepared", "job 1", "job 2"]


def test_a_warning_due_in_a_minute_no_sweep_ran_still_fires_once_before_its_breach(
    desk: Desk, clock: FixedClock
) -> None:
    # Standard P3: first response due 17:00, warned one minute before, at 16:59.
    set_policy(desk, "standard", "P3", sla.PolicyFields(warn_before_minutes=1))
    ticket = open_ticket(desk)
    only_the_sweep = TaskRegistry(tasks={"sla.sweep": TASKS.get("sla.sweep")})
    only_the_sweep.run_periodically("sla.sweep", timedelta(minutes=1))

    clock.at = utc(2026, 3, 2, 16, 58, 5)
    run_pending_jobs(desk, "A", registry=only_the_sweep)  # sla.sweep@16:58
    clock.at = utc(2026, 3, 2, 17, 0, 30)  # the worker was busy: no sweep at 16:59
    run_pending_jobs(desk, "A", registry=only_the_sweep)  # sla.sweep@17:00
    clock.at = utc(2026, 3, 2, 17, 1, 10)
    run_pending_jobs(desk, "B", registry=only_the_sweep)  # sla.sweep@17:01 finds nothing new

    with desk.uow() as uow:
        slots = [j.key for j in uow.jobs.recent([JobStatus.DONE], 10)]
        first = next(d for d in uow.deadlines.for_ticket(ticket.id or 0) if d.kind == FIRST)
    assert [s.split("T")[1][:5] for s in reversed(slots) if s] == ["16:58", "17:00", "17:01"]
    assert first.warned_at == first.breached_at == utc(2026, 3, 2, 17, 0, 30)
    fired = [
        e.action
        for e in tickets.ticket_events(desk, a_lead(desk), ticket.id or 0)
        if e.action.startswith("sla.") and e.changes.get("clock") == FIRST
    ]
    assert fired == ["sla.warned", "sla.breached"]  # each once, in the order they were due
