"""Job notices between processes on one machine: one UDP datagram on the loopback interface.

``serve --workers N`` runs its job runners in the parent process and the web requests in N
children; a ticket opened in a child enqueues its follow-up (``services/follow_ups.py``), which
the parent's runner found only at its next poll, up to a second later (issue 19). The parent
listens on a loopback port chosen by the system and passes its address to the children in the
environment; a child's commit that enqueued a job sends one byte there
(``services/job_wakeup.py``), and the parent wakes its runners.

A datagram because a notice is only a hint: the runner polls anyway, so a lost or a spurious
one (anything on this machine can send to the port) costs at most one early look at the job
table. Sending never blocks and never fails the commit that sent it.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

ADDRESS_VARIABLE = "TIERDESK_JOB_WAKEUP"  # host:port of the parent's listener


class WakeupListener:
    """A thread that calls ``on_notice`` for every datagram arriving at its loopback port."""

    def __init__(self, on_notice: Callable[[], None]) -> None:
        self._on_notice = on_notice
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.5)  # how soon ``stop`` is noticed
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-wakeup", daemon=True)

    @property
    def address(self) -> str:
        host, port = self._socket.getsockname()
        return f"{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(5)
        self._socket.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._socket.recv(64)
            except TimeoutError:
                continue
            except OSError:  # closed under us on the way out
                return
            self._on_notice()


def wakeup_sender(address: str) -> Callable[[], None]:
    """A function sending one notice to ``address`` (``host:port``); it never raises."""
    host, _, port = address.rpartition(":")
    target = (host, int(port))
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.setblocking(False)

    def send() -> None:
        try:
            sender.sendto(b"!", target)
        except OSError as error:  # the listener is gone or its buffer is full: it polls
            log.debug("job notice not sent to %s: %s", address, error)

    return send
