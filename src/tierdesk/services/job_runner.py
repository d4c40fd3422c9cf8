"""Running background work: a loop that schedules periodic jobs and runs due ones until asked
to stop. The same loop runs in a daemon thread beside the web server (the embedded default,
started by ``tierdesk serve``) and in the foreground of ``tierdesk worker`` processes, any
number of them on any number of machines sharing one PostgreSQL database."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable

from tierdesk.services.desk import Desk
from tierdesk.services.follow_ups import FOLLOW_UP_TASK
from tierdesk.services.jobs import TASKS, TaskRegistry, run_pending_jobs

logger = logging.getLogger(__name__)


def worker_name(kind: str = "worker") -> str:
    """Unique per process and runner, readable in the jobs table: ``host:pid:kind:abcd``."""
    return f"{socket.gethostname()}:{os.getpid()}:{kind}:{uuid.uuid4().hex[:4]}"


class JobRunner:
    def __init__(
        self,
        desk: Desk,
        *,
        registry: TaskRegistry = TASKS,
        poll_seconds: float = 1.0,
        name: str | None = None,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be positive")
        self.desk = desk
        self.registry = registry
        self.poll_seconds = poll_seconds
        self.name = name or worker_name()
        self.prepare = prepare  # run once, before the first job (loading models)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wakeup = desk.job_wakeup.listen()  # a commit that enqueued a job wakes it
        self._scheduled_at: float | None = None

    def run_once(self) -> int:
        """Schedule periodic jobs (at most once per ``poll_seconds``: a runner woken by every
        new ticket would otherwise write their slots as often, queueing on SQLite's one writer
        with the tickets) and run whatever is due now; how many jobs ran."""
        now = time.monotonic()
        schedule = self._scheduled_at is None or now - self._scheduled_at >= self.poll_seconds
        if schedule:
            self._scheduled_at = now
        return run_pending_jobs(self.desk, self.name, registry=self.registry, schedule=schedule)

    def run_forever(self) -> None:
        """Until :meth:`stop`: run due jobs; when there were none, wait ``poll_seconds`` or
        until a commit in this process enqueues one (``desk.job_wakeup``), whichever is first."""
        logger.info("background worker %s started", self.name)
        if self.prepare is not None:
            try:
                self.prepare()
            except Exception:  # a model that cannot load now is reported by the job using it
                logger.exception("background worker %s: preparing failed", self.name)
        while not self._stop.is_set():
            try:
                ran = self.run_once()
            except Exception:  # the database may be away for a moment; never die of it
                logger.exception("background worker %s: a round failed; trying again", self.name)
                ran = 0
            if ran == 0 and not self._stop.is_set():
                self._wakeup.wait(self.poll_seconds)
        logger.info("background worker %s stopped", self.name)

    def start(self) -> None:
        """Run in a daemon thread (which cannot keep the process alive on its own)."""
        if self._thread is not None:
            raise RuntimeError("this runner was started already")
        self._thread = threading.Thread(target=self.run_forever, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Ask the loop to stop after the job it is running; True when it has stopped."""
        self._stop.set()
        self._wakeup.wake()  # out of its wait at once
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def follow_up_runner(
    desk: Desk,
    *,
    name: str,
    registry: TaskRegistry = TASKS,
    prepare: Callable[[], None] | None = None,
) -> JobRunner:
    """A runner of new tickets' and messages' follow-ups only (services/follow_ups.py), beside
    the process's general runner: a long job there (training a triage model, an index upgrade,
    a tracker poll) never keeps a new ticket from being read and searchable for its duration.
    The general runner beside it leaves follow-ups to it (``without_follow_ups``). ``prepare``
    runs in its thread before the first follow-up (``Tierdesk.warm_up(jobs=True)``)."""
    only = TaskRegistry(tasks={FOLLOW_UP_TASK: registry.get(FOLLOW_UP_TASK)})
    return JobRunner(desk, registry=only, name=name, prepare=prepare)


def without_follow_ups(registry: TaskRegistry = TASKS) -> TaskRegistry:
    """The tasks of a general runner that has a ``follow_up_runner`` beside it: the two would
    otherwise both try to claim every follow-up (a write each, on SQLite's one writer)."""
    return TaskRegistry(
        tasks={n: t for n, t in registry.tasks.items() if n != FOLLOW_UP_TASK},
        periodic=dict(registry.periodic),
    )
