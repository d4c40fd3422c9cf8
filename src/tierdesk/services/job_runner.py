"""Running background work: a loop that schedules periodic jobs and runs due ones until asked
to stop. The same loop runs in a daemon thread beside the web server (the embedded default,
started by ``tierdesk serve``) and in the foreground of ``tierdesk worker`` processes, any
number of them on any number of machines sharing one PostgreSQL database."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

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
    ) -> None:
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be positive")
        self.desk = desk
        self.registry = registry
        self.poll_seconds = poll_seconds
        self.name = name or worker_name()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wakeup = desk.job_wakeup.listen()  # a commit that enqueued a job wakes it

    def run_once(self) -> int:
        """Schedule and run whatever is due now; how many jobs ran."""
        return run_pending_jobs(self.desk, self.name, registry=self.registry)

    def run_forever(self) -> None:
        """Until :meth:`stop`: run due jobs; when there were none, wait ``poll_seconds`` or
        until a commit in this process enqueues one (``desk.job_wakeup``), whichever is first."""
        logger.info("background worker %s started", self.name)
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


def follow_up_runner(desk: Desk, *, name: str, registry: TaskRegistry = TASKS) -> JobRunner:
    """A runner of new tickets' and messages' follow-ups only (services/follow_ups.py), beside
    the process's general runner: a long job there (training a triage model, an index upgrade,
    a tracker poll) never keeps a new ticket from being read and searchable for its duration.
    Both may run a follow-up; the claim lets one of them have it."""
    only = TaskRegistry(tasks={FOLLOW_UP_TASK: registry.get(FOLLOW_UP_TASK)})
    return JobRunner(desk, registry=only, name=name)
