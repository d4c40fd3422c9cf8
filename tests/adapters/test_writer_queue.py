"""The writer queue of a SQLite desk: one writing transaction at a time, handed over in order
between threads and by a file lock between processes; reads never queued
(adapters/db/writer_queue.py)."""

from __future__ import annotations

import fcntl
import gc
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tierdesk.adapters.db.engine import make_engine
from tierdesk.adapters.db.writer_queue import WriterQueue


def _engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    return engine


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM t")).scalar_one())


def test_a_second_writer_waits_for_the_first_to_commit_and_then_writes(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    holding, order = threading.Event(), []

    def first() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            time.sleep(0.3)
            order.append("first commits")

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
        order.append("second wrote")
    thread.join(5)
    assert order == ["first commits", "second wrote"]
    assert _count(engine) == 2


def test_a_read_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    holding, done = threading.Event(), threading.Event()

    def writer() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(5)
    try:
        # the writer has not committed: a reader sees the table as it was, without waiting
        # for the writer's turn to end (if it waited, the writer would wait for ``done`` 10 s)
        started = time.monotonic()
        assert _count(engine) == 0
        assert time.monotonic() - started < 5
    finally:
        done.set()
        thread.join(10)
    assert _count(engine) == 1


def test_a_connection_kept_after_its_commit_gives_up_its_turn(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    queue_free = threading.Event()
    with engine.connect() as kept:
        kept.execute(text("INSERT INTO t VALUES (1)"))
        kept.commit()
        kept.execute(text("SELECT 1"))  # its transaction is over: so is its turn

        def other() -> None:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (2)"))
            queue_free.set()

        thread = threading.Thread(target=other)
        thread.start()
        assert queue_free.wait(5)  # without the release it would wait 30 s for the turn
        thread.join(5)
    assert _count(engine) == 2


def test_turns_are_handed_over_in_the_order_writers_came() -> None:
    queue = WriterQueue(timeout=5)
    assert queue.enter()
    served: list[int] = []

    def waiter(n: int) -> None:
        assert queue.enter()
        served.append(n)
        queue.leave()

    threads = []
    for n in range(5):
        thread = threading.Thread(target=waiter, args=(n,))
        thread.start()
        threads.append(thread)
        while len(queue._waiting) < n + 1:  # this one is queued before the next starts
            time.sleep(0.001)
    queue.leave()
    for thread in threads:
        thread.join(5)
    assert served == [0, 1, 2, 3, 4]


def test_a_writer_whose_turn_does_not_come_goes_ahead_after_the_timeout() -> None:
    queue = WriterQueue(timeout=0.1)
    assert queue.enter()
    assert not queue.enter()  # SQLite's own busy timeout decides from here, as before
    queue.leave()
    assert queue.enter()  # the one that gave up left no place behind in the queue


_HOLD_A_WRITE = """
import sys, time
from sqlalchemy import text
from tierdesk.adapters.db.engine import make_engine
engine = make_engine(sys.argv[1])
with engine.begin() as conn:
    conn.execute(text("INSERT INTO t VALUES (7)"))
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_writer_in_another_process_holds_the_turn_until_it_ends_even_by_dying(
    tmp_path: Path,
) -> None:
    engine = _engine(tmp_path)
    url = str(engine.url)
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_WRITE, url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "holding"
        lock = os.open(tmp_path / "desk.db-writer", os.O_RDWR)
        with pytest.raises(BlockingIOError):  # the other process holds the turn
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        child.kill()  # SIGKILL mid-transaction: the kernel gives the turn back
        child.wait(30)
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(30)
    with engine.begin() as conn:  # and this process writes: nothing of the dead one's stayed
        conn.execute(text("INSERT INTO t VALUES (1)"))
    assert _count(engine) == 1


def test_a_database_in_a_directory_without_write_access_still_writes_without_the_file_turn(
    tmp_path: Path,
) -> None:
    engine = _engine(tmp_path)
    (tmp_path / "desk.db-writer").unlink(missing_ok=True)
    (tmp_path / "desk.db-writer").mkdir()  # the lock file cannot be opened: no turn by file
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    assert _count(engine) == 1


def _open_lock_files(path: Path) -> int:
    fds = Path("/proc/self/fd")
    return sum(1 for fd in fds.iterdir() if _target(fd) == str(path))


def _target(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:
        return ""


def test_an_engine_let_go_of_closes_its_lock_file(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    lock = tmp_path / "desk.db-writer"
    assert _open_lock_files(lock) == 1

    engine.dispose()
    del engine, conn
    gc.collect()

    assert _open_lock_files(lock) == 0  # a process building engine after engine keeps none
