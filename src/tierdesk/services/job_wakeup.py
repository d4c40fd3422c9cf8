"""Waking this process's job runners when a commit enqueued work, instead of letting the work
wait for a runner's next poll (``services/job_runner.py`` polls every second).

A new ticket's follow-up (enrichment, triage, indexing: ``services/follow_ups.py``) is what
makes it searchable, so it should start the moment the ticket commits, not up to a second
later; polling faster for everybody would cost every idle desk a query per poll. The unit of
work calls ``notify`` after a commit that enqueued a job (``adapters/db/unit_of_work.py``);
each runner of the process waits on its own ``Listener`` between polls, so one runner taking
the notice does not hide it from another. The web processes of ``serve --workers N`` also pass
each notice on to the parent, whose runners do the jobs (``forward``,
``adapters/wakeup_channel.py``). On PostgreSQL the transaction that enqueues a job also
notifies every process that listens (``tierdesk worker``, ``serve`` running jobs: see
``adapters/db/job_channel.py``); on SQLite a separate ``tierdesk worker`` is not told and finds
the job at its next poll."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Listener:
    def __init__(self) -> None:
        self._event = threading.Event()

    def wake(self) -> None:
        self._event.set()

    def wait(self, seconds: float) -> bool:
        """Until woken or ``seconds`` passed; True when woken. Notices are not counted: the
        runner runs every due job once woken."""
        woken = self._event.wait(seconds)
        self._event.clear()
        return woken


class JobWakeup:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._forwards: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def listen(self) -> Listener:
        """A listener for one runner, woken by every ``notify`` from now on."""
        listener = Listener()
        with self._lock:
            self._listeners.append(listener)
        return listener

    def forward(self, send: Callable[[], None]) -> None:
        """Also pass every notice on with ``send`` (to runners in another process); ``send``
        must not block or raise: it runs right after a commit."""
        with self._lock:
            self._forwards.append(send)

    def notify(self) -> None:
        """A job was committed here: every waiting runner looks at once, and so do those the
        notices are forwarded to."""
        with self._lock:
            forwards = list(self._forwards)
        self.wake()
        for send in forwards:
            send()

    def wake(self) -> None:
        """Wake this process's runners only (a notice that came from elsewhere)."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.wake()
