"""Writing transactions on SQLite take turns, handed over the moment one ends.

SQLite lets one connection write at a time. A second writer that finds the file locked waits in
SQLite's busy handler, which sleeps and looks again, sleeping longer each time (1, 2, 5, 10 …
up to 100 ms between looks). Sixteen request threads opening tickets at once therefore spent
most of their time asleep while the file was already free, and whichever looked first won: the
median new ticket took ~80-140 ms and the slowest 1 % 4–8 s (bench/api.py, issue 19). Here the
threads of one process queue for the right to write before SQLite sees them: a thread waiting
here is woken as soon as the writer before it commits or rolls back, in the order they came.

Between processes on the same file (a worker, ``serve --workers N``, a CLI command) the thread
whose turn it is then takes an exclusive ``flock`` on a file beside the database
(``<database>-writer``), looking every few milliseconds rather than SQLite's up to 100: only
that one thread per process looks, and the kernel drops the lock of a process that dies. A
writer that takes neither (``sqlite3`` on the command line) still meets the others in SQLite's
busy handler.

The queue is entered at a connection's first writing statement (pysqlite begins its
transaction there too; reads before it take no lock), or at a ``BEGIN IMMEDIATE`` that takes
the writer ahead of its writes (``UnitOfWork.hold``), and left when the connection goes back to
the pool after its commit or rollback (a session returns it right after committing). Not at
SQLAlchemy's ``commit`` event itself: that fires *before* the database commits, and the next
writer would meet the file still locked for the commit's fsync and fall into the busy
handler's sleep after all. A connection kept after its commit leaves the queue at its next
statement. A thread that waits longer than ``timeout`` seconds goes ahead without its turn and
lets SQLite's own timeout decide, as before, so a pattern that would deadlock here (a
transaction waiting for another of the same thread) fails as it did without the queue.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import weakref
from collections import deque
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

_HOLDS = "tierdesk.writer_turn"
_ENDED = "tierdesk.writer_turn_ended"  # committed or rolled back, not yet back in the pool
_FILE = "tierdesk.writer_file_turn"  # holds the turn between processes too
_LOOK_EVERY = (0.001, 0.002, 0.004)  # seconds between looks at the file lock, then the last
# BEGIN IMMEDIATE takes the writer before anything is written (UnitOfWork.hold): a thread
# that took it past the queue would wait there for a turn held by one waiting on it.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN IMMEDIATE")


class WriterQueue:
    """First come, first served turns at writing, for the connections of one engine."""

    def __init__(self, timeout: float, database: Path | None = None) -> None:
        self._timeout = timeout
        # the turn between processes; None: this process's threads only (tests of the queue)
        self._file = None if database is None else _FileTurn(Path(f"{database}-writer"))
        self._lock = threading.Lock()
        self._busy = False
        self._waiting: deque[threading.Event] = deque()

    def enter(self) -> bool:
        """Wait for this thread's turn; False when it did not come within the timeout."""
        with self._lock:
            if not self._busy and not self._waiting:
                self._busy = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(self._timeout):
            return True  # the writer before us handed its turn to us (``_busy`` stays True)
        with self._lock:
            if turn.is_set():  # handed over just as we gave up: it is ours after all
                return True
            self._waiting.remove(turn)
        return False

    def leave(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # straight to the next: no moment of "free"
            else:
                self._busy = False

    def install(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before_execute)
        event.listen(engine, "commit", self._after_transaction)
        event.listen(engine, "rollback", self._after_transaction)
        event.listen(engine, "checkin", self._returned)
        event.listen(engine, "invalidate", self._invalidated)

    def _before_execute(
        self,
        conn: Any,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        info = conn.info
        if info.pop(_ENDED, False):
            self._release(info)  # its transaction ended and it was kept: the turn is over
        # every statement passes here: look at its first words only, not a copy of all of it
        if info.get(_HOLDS) or not statement[:32].lstrip()[:15].upper().startswith(_WRITES):
            return
        started = time.monotonic()
        if self.enter():
            info[_HOLDS] = True
            if self._file is not None:
                info[_FILE] = self._file.take(started + self._timeout)

    def _after_transaction(self, conn: Any) -> None:
        if conn.info.get(_HOLDS):
            conn.info[_ENDED] = True

    def _returned(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None:  # a connection closed without a pool record holds nothing here
            self._release(record.info)

    def _invalidated(self, _dbapi_connection: Any, record: Any, _exception: Any) -> None:
        self._release(record.info)

    def _release(self, info: dict[Any, Any]) -> None:
        info.pop(_ENDED, None)
        if info.pop(_FILE, False) and self._file is not None:
            self._file.give()
        if info.pop(_HOLDS, False):
            self.leave()


class _FileTurn:
    """The writer's turn between processes: an exclusive ``flock`` on one file. Taken only by
    the thread holding its process's turn, so one thread per process ever looks."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    def take(self, deadline: float) -> bool:
        """Wait for the lock until ``deadline`` (monotonic); False when it did not come, or the
        file cannot be opened or locked (a read-only directory, a file system without locks):
        SQLite's busy handler decides then."""
        try:
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                # closed with its engine's queue: a process that builds many engines (the
                # test suite, a CLI command per desk) would otherwise keep a descriptor each
                weakref.finalize(self, os.close, self._fd)
        except OSError:
            return False
        looks = 0
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(_LOOK_EVERY[min(looks, len(_LOOK_EVERY) - 1)])
                looks += 1
            except OSError:  # a file system without locks (some network mounts): SQLite's way
                return False

    def give(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
