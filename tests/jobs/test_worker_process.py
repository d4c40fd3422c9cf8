"""Real ``tierdesk worker`` processes: one is killed with SIGKILL in the middle of a task, a
second one takes over, and no scheduled task is lost (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from tests.jobs import gated_tasks
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.jobs import job_attempts
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.domain.jobs import Job, JobStatus
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import enqueue

REPOSITORY = Path(__file__).resolve().parents[2]
WORKER = [
    sys.executable,
    "-m",
    "tierdesk",
    "worker",
    "--import",
    gated_tasks.__name__,
    "--poll",
    "0.1",
]


def environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERDESK_")}
    env.update(
        TIERDESK_DATABASE_URL=settings.database,
        TIERDESK_DATA_DIR=str(settings.data_dir),
        TIERDESK_ENV="test",
    )
    return env


@contextmanager
def worker_process(settings: Settings, output: Path) -> Iterator[subprocess.Popen[bytes]]:
    with output.open("ab") as log:
        process = subprocess.Popen(
            WORKER, cwd=REPOSITORY, env=environment(settings), stdout=log, stderr=log
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)


def wait_for(condition: Callable[[], bool], what: str, output: Path, timeout: float = 60) -> None:
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            worker_output = output.read_text()
            raise AssertionError(f"gave up waiting for {what}; the workers said:\n{worker_output}")
        time.sleep(0.05)


def job(desk: Desk, job_id: int | None) -> Job:
    with desk.uow() as uow:
        found = uow.jobs.get(job_id or 0)
    assert found is not None
    return found


def test_killing_a_worker_in_the_middle_of_a_task_loses_no_task(
    app: Tierdesk, desk: Desk, clock: FixedClock, settings: Settings, tmp_path: Path
) -> None:
    work, output = tmp_path / "work", tmp_path / "workers.log"
    work.mkdir()
    log = work / "log"
    with desk.uow() as uow:
        first, second = (
            enqueue(uow, "test.gated", {"dir": str(work), "n": n}, at=clock.now()) for n in (1, 2)
        )
        uow.commit()

    with worker_process(settings, output) as doomed:
        wait_for(lambda: log.exists() and "started 1" in log.read_text(), "task 1", output)
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(30) == -signal.SIGKILL
    assert (job(desk, first).status, job(desk, first).attempts) == (JobStatus.RUNNING, 1)
    assert job(desk, second).status is JobStatus.QUEUED  # never reached

    (work / "gate").touch()
    with worker_process(settings, output) as survivor:
        wait_for(
            lambda: {job(desk, first).status, job(desk, second).status} == {JobStatus.DONE},
            "both tasks to finish",
            output,
        )
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(30) == 0  # a graceful stop

    lines = log.read_text().split("\n")
    steps = [line.rsplit(" ", 1)[0] for line in lines if line]
    # The doomed worker only started task 1. The survivor ran both to the end; which it took
    # first depends on when task 1's lease ran out, so only each task's own order is fixed.
    assert steps[0] == "started 1"
    assert sorted(steps[1:]) == ["finished 1", "finished 2", "started 1", "started 2"]
    for n in (1, 2):
        assert steps.index(f"started {n}", 1) < steps.index(f"finished {n}")
    pids = [line.rsplit(" ", 1)[1] for line in lines if line]
    assert pids[0] == str(doomed.pid) and set(pids[1:]) == {str(survivor.pid)}
    a = job_attempts.c
    with app.engine.connect() as connection:
        history = connection.execute(
            select(a.attempt, a.outcome).where(a.job_id == first).order_by(a.id)
        ).all()
    assert [tuple(row) for row in history] == [(1, "lost"), (2, "done")]
