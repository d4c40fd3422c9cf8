"""An SMTP listener (aiosmtpd) for direct delivery: an MTA or a pipe hands mail to the desk over
SMTP instead of leaving it in a mailbox. The desk answers 250 only after the message is stored;
any failure answers 451, so the sending server keeps the mail and retries.

Storing runs on the listener's own threads (``workers`` of them), not the event loop's default
executor: on SQLite one thread, since more would only queue for its one writer in SQLite's busy
handler, which sleeps in steps of up to 100 ms while the lock may long be free. A storing thread
hands over every message that arrived while it was storing the last ones, together (one
transaction, one commit to wait for); when that fails, it stores them one by one, so that only a
message that cannot be stored hears 451."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

Deliver = Callable[[Sequence[bytes]], object]  # stores all of them, or raises
MAX_BATCH = 50


class _Storer:
    """Threads storing what the SMTP sessions received, a batch at a time."""

    def __init__(self, deliver: Deliver, workers: int) -> None:
        self._deliver = deliver
        self._queue: queue.SimpleQueue[tuple[bytes, Future[None]] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._run, name=f"smtp-store-{n}", daemon=True)
            for n in range(workers)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        for _thread in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()

    def submit(self, data: bytes) -> Future[None]:
        stored: Future[None] = Future()
        self._queue.put((data, stored))
        return stored

    def _run(self) -> None:
        while (first := self._queue.get()) is not None:
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # this thread stops after the batch
                    break
                batch.append(item)
            self._store(batch)

    def _store(self, batch: list[tuple[bytes, Future[None]]]) -> None:
        try:
            self._deliver([data for data, _ in batch])
        except Exception as failed:  # told to the session(s), which answer 451
            if len(batch) == 1:
                batch[0][1].set_exception(failed)
                return
            for data, stored in batch:
                try:
                    self._deliver([data])
                except Exception as alone:
                    stored.set_exception(alone)
                else:
                    stored.set_result(None)
            return
        for _data, stored in batch:
            stored.set_result(None)


class _DeskHandler:
    def __init__(self, storer: _Storer, accepts: Callable[[str], bool]) -> None:
        self._storer = storer
        self._accepts = accepts

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not self._accepts(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw or "").encode("utf-8", "surrogateescape")
        try:
            await asyncio.wrap_future(self._storer.submit(data))
        except Exception:
            # The boundary of the service: whatever went wrong, the sender must keep the mail and
            # try again, so it hears a temporary failure; the cause goes to the log.
            log.exception("storing a message from %s failed; answered 451", envelope.mail_from)
            return "451 4.3.0 Temporary failure storing the message; try again later"
        return "250 2.0.0 Message accepted"


class SmtpListener:
    """``start()`` serves on a background thread; ``stop()`` ends it."""

    def __init__(
        self,
        host: str,
        port: int,
        deliver: Deliver,
        *,
        accepts: Callable[[str], bool] = lambda _address: True,
        max_bytes: int = 40 * 1024 * 1024,
        workers: int = 1,
    ) -> None:
        self._storer = _Storer(deliver, workers)
        self._controller = Controller(
            _DeskHandler(self._storer, accepts),
            hostname=host,
            port=port,
            data_size_limit=max_bytes,
            decode_data=False,
        )

    @property
    def address(self) -> tuple[str, int]:
        return self._controller.hostname, self._controller.port

    def start(self) -> None:
        self._storer.start()
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
        self._storer.stop()
