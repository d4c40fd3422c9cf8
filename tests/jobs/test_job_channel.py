"""Job notices through the database: on PostgreSQL a transaction that enqueues a job wakes the
job runners of every process listening (a ``tierdesk worker`` beside ``serve``), once it
commits and never when it rolls back (adapters/db/job_channel.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.conftest import TEST_PASSWORDS
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.job_channel import JobChannelListener
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.services.jobs import TaskRegistry, enqueue

TASKS = TaskRegistry()


@TASKS.task("test.noop")
def _noop(_desk: object, _payload: dict[str, object]) -> None:
    return None


@pytest.fixture
def worker(settings: Settings, clock: FixedClock) -> Iterator[Tierdesk]:
    """A second process's desk on the same database: the one running jobs."""
    other = bootstrap(settings, clock=clock, passwords=TEST_PASSWORDS)
    yield other
    other.close()


def _enqueue(app: Tierdesk, *, commit: bool) -> None:
    with app.desk.uow() as uow:
        enqueue(uow, "test.noop", at=app.desk.clock.now(), registry=TASKS)
        if commit:
            uow.commit()


def test_a_job_committed_by_one_process_wakes_the_runners_of_another(
    app: Tierdesk, worker: Tierdesk
) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's LISTEN/NOTIFY; SQLite's processes use a loopback datagram")
    runner = worker.desk.job_wakeup.listen()
    with worker.job_notices_from_the_database():
        assert runner.wait(5)  # once on listening: whatever came meanwhile
        _enqueue(app, commit=False)
        assert not runner.wait(0.5)  # rolled back: nobody is told
        _enqueue(app, commit=True)
        assert runner.wait(5)
    _enqueue(app, commit=True)
    assert not runner.wait(0.5)  # no longer listening


def test_on_sqlite_nothing_listens_to_the_database(app: Tierdesk, worker: Tierdesk) -> None:
    if app.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    runner = worker.desk.job_wakeup.listen()
    with worker.job_notices_from_the_database():
        _enqueue(app, commit=True)
        assert not runner.wait(0.3)


def test_a_listener_that_cannot_connect_keeps_trying_and_stops_when_asked(app: Tierdesk) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    woken: list[bool] = []
    missing = app.engine.url.set(database="tierdesk_no_such_database")
    listener = JobChannelListener(missing, lambda: woken.append(True), wait=0.1)
    assert not listener.start(timeout=1.0)  # refused: it logs and tries again, never raises
    started = time.monotonic()
    listener.stop()
    assert time.monotonic() - started < 3
    assert woken == []
