"""An SMTP listener (aiosmtpd) for direct delivery: an MTA or a pipe hands mail to the desk over
SMTP instead of leaving it in a mailbox. The desk answers 250 only after the message is stored;
any failure answers 451, so the sending server keeps the mail and retries.

Storing runs on the listener's own threads (``workers`` of them), not the event loop's default
executor: on SQLite one thread, since more would only queue for its one writer in SQLite's busy
handler, which sleeps in steps of up to 100 ms while the lock may long be free."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

Deliver = Callable[[bytes], object]


class _DeskHandler:
    def __init__(
        self, deliver: Deliver, accepts: Callable[[str], bool], executor: ThreadPoolExecutor
    ) -> None:
        self._deliver = deliver
        self._accepts = accepts
        self._executor = executor

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
            await asyncio.get_running_loop().run_in_executor(self._executor, self._deliver, data)
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
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="smtp-store")
        self._controller = Controller(
            _DeskHandler(deliver, accepts, self._executor),
            hostname=host,
            port=port,
            data_size_limit=max_bytes,
            decode_data=False,
        )

    @property
    def address(self) -> tuple[str, int]:
        return self._controller.hostname, self._controller.port

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
        self._executor.shutdown(wait=True)
