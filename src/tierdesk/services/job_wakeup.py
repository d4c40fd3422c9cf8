"""Waking this process's job runner when a commit enqueued work, instead of letting the work
wait for the runner's next poll (``services/job_runner.py`` polls every second).

A new ticket's follow-up (enrichment, triage, indexing: ``services/follow_ups.py``) is what
makes it searchable, so it should start the moment the ticket commits, not up to a second
later; polling faster for everybody would cost every idle desk a query per poll. The unit of
work calls ``notify`` after a commit that enqueued a job (``adapters/db/unit_of_work.py``); the
runner waits on the same object between polls. A runner in another process (``tierdesk
worker``, or the parent of ``serve --workers N``) is not woken and finds the job at its next
poll."""

from __future__ import annotations

import threading


class JobWakeup:
    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        """A job was committed: a waiting runner looks at once."""
        self._event.set()

    def wait(self, seconds: float) -> bool:
        """Until notified or ``seconds`` passed; True when notified. Each notice wakes one
        wait (they are not counted: the runner runs every due job once woken)."""
        woken = self._event.wait(seconds)
        self._event.clear()
        return woken
