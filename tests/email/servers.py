"""Real mail servers on loopback for the tests: Dovecot (IMAP) with a throwaway configuration,
and an aiosmtpd SMTP server that keeps what it is sent (the relay the desk sends through).

Dovecot comes from Debian's ``dovecot-imapd`` (``make test`` installs it when missing). It runs
unprivileged on a free port: base, state, log and mail directories live in one temporary
directory; mail is delivered to it with IMAP APPEND, as a mail server would."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    user: str
    password: str

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.host, self.port, timeout=30)
        imap.login(self.user, self.password)
        return imap

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        imap = self.connect()
        try:
            status, data = imap.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            imap.logout()

    def append_many(self, messages: list[bytes], folder: str = "INBOX") -> None:
        imap = self.connect()
        try:
            for raw in messages:
                status, data = imap.append(folder, None, None, raw)
                assert status == "OK", data
        finally:
            imap.logout()

    def unseen_count(self, folder: str = "INBOX") -> int:
        imap = self.connect()
        try:
            imap.select(folder)
            _, data = imap.uid("SEARCH", "UNSEEN")
            return len(data[0].split()) if data and data[0] else 0
        finally:
            imap.logout()


class Dovecot:
    """A private Dovecot serving IMAP on 127.0.0.1:<free port>."""

    def __init__(self) -> None:
        executable = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(executable).exists():
            raise RuntimeError(
                "Dovecot is not installed: run `make test` (it installs dovecot-imapd) or "
                "`apt-get install dovecot-imapd`"
            )
        self.executable = executable
        # Not under pytest's tmp_path: that is private to the user running the tests, and when
        # that user is root Dovecot reads mail as its own unprivileged user.
        self.root = Path(tempfile.mkdtemp(prefix="td-dovecot-"))
        self.root.chmod(0o755)
        self.port = free_port()
        # Every account shares one password and gets its own maildir by name: a passwd-file
        # would have to be re-read by Dovecot for each new account, which it does lazily.
        self.password = uuid.uuid4().hex
        (self.root / "mail").mkdir()
        for name in ("base", "state", "log"):
            (self.root / name).mkdir()
        if os.geteuid() == 0:
            mail_user = "dovecot"
            owner = pwd.getpwnam(mail_user)
            os.chown(self.root / "mail", owner.pw_uid, owner.pw_gid)
            run_as = ""
        else:
            mail_user = pwd.getpwuid(os.geteuid()).pw_name
            run_as = f"default_login_user = {mail_user}\ndefault_internal_user = {mail_user}\n"
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            f"""protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/base
state_dir = {self.root}/state
log_path = {self.root}/log/dovecot.log
info_log_path = {self.root}/log/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{self.root}/mail/%u
{run_as}passdb {{
  driver = static
  args = password={self.password}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={self.root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
        )

    def start(self) -> None:
        subprocess.run([self.executable, "-c", str(self.config)], check=True)
        _wait_for_port(self.port, 15)

    def stop(self) -> None:
        subprocess.run(["doveadm", "-c", str(self.config), "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def new_account(self) -> ImapAccount:
        """A fresh mailbox of its own, so tests never see each other's mail."""
        user = f"box-{uuid.uuid4().hex[:10]}@desk.test"
        return ImapAccount("127.0.0.1", self.port, user, self.password)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _SinkHandler:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        assert isinstance(data, bytes)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), data))
        return "250 OK queued"


class SmtpSink:
    """The relay the desk sends through: an aiosmtpd server that keeps every message. It can be
    stopped and started again on the same port, as a relay that goes down and comes back."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = _SinkHandler()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self._controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, decode_data=False
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
