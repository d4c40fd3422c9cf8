"""One reader per web process for the live streams (``pages/live.py``).

While at least one stream is open, the hub reads what was committed since its mark
(``services/live.py::poll``) every ``live.poll_seconds`` and hands the batch to every stream of
this process; each stream keeps what its agent may hear of. With no stream open it reads
nothing. Every process has its own hub on the same database, so a change made through any
process (or the job runner, or the CLI) reaches every stream."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from tierdesk.config import LiveSettings
from tierdesk.domain.live import LiveBatch, LiveCursor
from tierdesk.domain.people import Agent
from tierdesk.services import live
from tierdesk.services.desk import Desk

log = logging.getLogger(__name__)

QUEUED_BATCHES = 50  # a stream further behind than this is told to reload instead


class TooManyStreamsError(Exception):
    """This process has as many streams open as ``live.max_streams`` allows."""


@dataclass(eq=False)
class Listener:
    agent: Agent
    batches: asyncio.Queue[LiveBatch] = field(default_factory=lambda: asyncio.Queue(QUEUED_BATCHES))
    overflowed: bool = False

    def offer(self, batch: LiveBatch) -> None:
        try:
            self.batches.put_nowait(batch)
        except asyncio.QueueFull:
            self.overflowed = True  # the stream asks its page to reload everything


class LiveHub:
    def __init__(self, desk: Desk, settings: LiveSettings) -> None:
        self.desk = desk
        self.settings = settings
        self._listeners: set[Listener] = set()
        self._cursor: LiveCursor | None = None
        self._task: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    @property
    def open_streams(self) -> int:
        return len(self._listeners)

    async def open(self, agent: Agent) -> Listener:
        if len(self._listeners) >= self.settings.max_streams:
            raise TooManyStreamsError
        async with self._starting:
            # The mark is taken before the stream is told it is open, so nothing committed
            # after that is missed.
            if self._cursor is None:
                self._cursor = await run_in_threadpool(live.start_cursor, self.desk)
            listener = Listener(agent)
            self._listeners.add(listener)
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._run(), name="live-hub")
        return listener

    def close(self, listener: Listener) -> None:
        self._listeners.discard(listener)

    async def _run(self) -> None:
        while self._listeners:
            await asyncio.sleep(self.settings.poll_seconds)
            cursor = self._cursor
            assert cursor is not None
            try:
                batch, self._cursor = await run_in_threadpool(live.poll, self.desk, cursor)
            except Exception:  # the database away for a moment: log it, try again next time
                log.exception("live updates: reading the desk's changes failed")
                continue
            if batch.empty:
                continue
            for listener in list(self._listeners):
                listener.offer(batch)
        # Nobody listens: the next stream starts from a fresh mark.
        self._cursor = None
