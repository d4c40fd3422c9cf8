"""An IMAP mailbox, I/O only: list unseen messages, fetch one without marking it, mark it seen,
wait with IDLE. ``services/mail.py::fetch_mailbox`` marks a message seen only after the
transaction that stored it has committed; a crash in between makes the next run fetch it again,
and the stored identity turns that second copy away."""

from __future__ import annotations

import contextlib
import imaplib
import select
import ssl
from types import TracebackType
from typing import Self

from tierdesk.errors import ErrorCode, TierdeskError


class MailboxUnavailableError(TierdeskError):
    """The IMAP server cannot be reached, refuses the login, or has no such folder."""

    code = ErrorCode.CONFIGURATION


_IDLE_TAG = b"TDIDLE"


class ImapMailbox:
    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        password: str,
        *,
        folder: str = "INBOX",
        use_ssl: bool = True,
        timeout: float = 60.0,
    ) -> None:
        self.host, self.port, self.user, self.folder = host, port, user, folder
        self._password = password
        self._use_ssl = use_ssl
        self._timeout = timeout
        self._imap: imaplib.IMAP4 | None = None

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"

    def __enter__(self) -> Self:
        try:
            if self._use_ssl:
                context = ssl.create_default_context()
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    self.host, self.port, ssl_context=context, timeout=self._timeout
                )
            else:
                imap = imaplib.IMAP4(self.host, self.port, timeout=self._timeout)
            imap.login(self.user, self._password)
            status, _ = imap.select(_quoted(self.folder))
            if status != "OK":
                imap.logout()
                raise MailboxUnavailableError(f"{self.label}: no folder {self.folder!r}")
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxUnavailableError(f"{self.label}: {exc}") from exc
        self._imap = imap
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        imap, self._imap = self._imap, None
        if imap is None:
            return
        # A connection that is gone already has nothing left to release.
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imap.logout()

    @property
    def connection(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise MailboxUnavailableError(f"{self.label}: not connected")
        return self._imap

    def _command(self, *args: str) -> list[object]:
        try:
            status, data = self.connection.uid(*args)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxUnavailableError(f"{self.label}: {exc}") from exc
        if status != "OK":
            raise MailboxUnavailableError(f"{self.label}: UID {args[0]} answered {status} {data!r}")
        return list(data)

    def unseen(self) -> list[int]:
        """UIDs of the messages not yet marked seen, oldest first."""
        data = self._command("SEARCH", "UNSEEN")
        words = b" ".join(d for d in data if isinstance(d, bytes)).split()
        return sorted(int(w) for w in words)

    def fetch(self, uid: int) -> bytes | None:
        """The message's bytes, without marking it seen; None when it is gone."""
        for item in self._command("FETCH", str(uid), "(BODY.PEEK[])"):
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        return None

    def mark_seen(self, uid: int) -> None:
        self._command("STORE", str(uid), "+FLAGS.SILENT", "(\\Seen)")

    @property
    def supports_idle(self) -> bool:
        return "IDLE" in self.connection.capabilities

    def idle(self, seconds: float) -> bool:
        """Wait until the server announces new mail or ``seconds`` pass (RFC 2177). Returns
        whether something arrived; the caller polls either way."""
        imap = self.connection
        try:
            imap.send(_IDLE_TAG + b" IDLE\r\n")
            if not imap.readline().startswith(b"+"):
                raise MailboxUnavailableError(f"{self.label}: the server refused IDLE")
            arrived = _wait_for_news(imap, seconds)
            imap.send(b"DONE\r\n")
            while not imap.readline().startswith(_IDLE_TAG):
                pass  # untagged updates before the end of IDLE; the next poll reads them
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxUnavailableError(f"{self.label}: {exc}") from exc
        return arrived


def _wait_for_news(imap: imaplib.IMAP4, seconds: float) -> bool:
    sock = imap.socket()
    readable, _, _ = select.select([sock], [], [], seconds)
    if not readable and not (isinstance(sock, ssl.SSLSocket) and sock.pending()):
        return False
    if not imap.readline():
        raise MailboxUnavailableError("the IMAP server closed the connection during IDLE")
    return True  # any untagged update (EXISTS, RECENT, a keep-alive) ends the wait: poll now


def _quoted(folder: str) -> str:
    escaped = folder.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
