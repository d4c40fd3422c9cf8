"""Job notices between processes on PostgreSQL: ``NOTIFY`` in the transaction that enqueues a
job, ``LISTEN`` in every process that runs jobs, on any machine sharing the database.

PostgreSQL's default is ``serve`` without job runners and ``tierdesk worker`` processes beside
it (README). A new ticket's follow-up (what makes it searchable, ``services/follow_ups.py``)
waited there for a worker's next poll, up to a second. Now ``SqlJobQueue.enqueue`` sends
``pg_notify`` once per transaction: PostgreSQL delivers it when the transaction commits, and
never for one rolled back. A listener holds a connection of its own (not the pool's) in
autocommit and wakes its process's runners for every notice (``services/job_wakeup.py``).

A notice is only a hint, as on SQLite (``adapters/wakeup_channel.py``): the runners poll
anyway, so a notice lost while the listener reconnects costs at most that poll. After
(re)connecting it wakes the runners once, for whatever was enqueued while it was away.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import URL, Connection, text

log = logging.getLogger(__name__)

CHANNEL = "tierdesk_jobs"
_RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)


def notify_job(connection: Connection) -> None:
    """Tell every listener about a job this transaction enqueued, once it commits."""
    connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class JobChannelListener:
    """A thread calling ``on_notice`` for every job notice on the database at ``url``."""

    def __init__(self, url: URL, on_notice: Callable[[], None], *, wait: float = 0.5) -> None:
        # psycopg's own connection string: SQLAlchemy's names its driver in the scheme
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._on_notice = on_notice
        self._wait = wait  # how soon ``stop`` is noticed
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-channel", daemon=True)

    def start(self, timeout: float = 10.0) -> bool:
        """Start listening; True once it listens (within ``timeout``: else it keeps trying)."""
        self._thread.start()
        return self._listening.wait(timeout)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(self._wait + 5)

    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    failures = 0
                    self._on_notice()  # whatever was enqueued while not listening
                    while not self._stopping.is_set():
                        for _notice in connection.notifies(timeout=self._wait, stop_after=1):
                            self._on_notice()
            except Exception as error:  # the database may be away for a while: never die of it
                self._listening.clear()
                pause = _RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("job notices: %s; listening again in %.1f s", error, pause)
                self._stopping.wait(pause)
