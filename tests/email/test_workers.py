"""The long-running mail processes as an operator starts them: ``tierdesk mail poll`` (IMAP with
IDLE) and ``tierdesk mail listen`` (SMTP), each a real subprocess stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from tests.email.builders import compose_mail, new_message_id
from tests.email.servers import ImapAccount, free_port
from tierdesk.adapters.db.mail import inbound_emails
from tierdesk.adapters.db.mail_threading import mail_message_ids
from tierdesk.adapters.db.tables import tickets as tickets_table
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.domain.people import Organisation


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERDESK_")}
    env.update(
        TIERDESK_DATA_DIR=str(settings.data_dir),
        TIERDESK_DATABASE_URL=settings.database,
        TIERDESK_ENV="test",
        TIERDESK_SEARCH__EMBEDDER="hashing",  # the real model is tested in tests/search
        TIERDESK_MAIL__ADDRESSES=json.dumps(settings.mail.addresses),
        **extra,
    )
    return env


@contextmanager
def _running(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tierdesk", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def _received(app: Tierdesk) -> int:
    with app.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(inbound_emails)) or 0)


def test_the_poller_picks_up_mail_as_it_arrives_and_stops_on_sigterm(
    app: Tierdesk, settings: Settings, acme: Organisation, imap_account: ImapAccount
) -> None:
    box = {
        "name": "support",
        "host": imap_account.host,
        "port": imap_account.port,
        "ssl": False,
        "user": imap_account.user,
        "password_env": "POLL_PASSWORD",
    }
    env = _env(
        settings,
        TIERDESK_MAIL__MAILBOXES=json.dumps([box]),
        TIERDESK_MAIL__IDLE_SECONDS="300",  # only IDLE can wake it in time
        POLL_PASSWORD=imap_account.password,
    )
    imap_account.append(compose_mail(subject="Before the poller started"))

    with _running(["mail", "poll"], env) as poller:
        _wait_for(lambda: _received(app) == 1, "the mail that was waiting")
        imap_account.append(compose_mail(subject="While the poller idles"))
        _wait_for(lambda: _received(app) == 2, "the mail that arrived during IDLE")
        poller.send_signal(signal.SIGTERM)
        assert poller.wait(timeout=60) == 0

    assert imap_account.unseen_count() == 0


def test_the_listener_stores_mail_handed_to_it_over_smtp(
    app: Tierdesk, settings: Settings, acme: Organisation
) -> None:
    port = free_port()

    with _running(["mail", "listen", "--port", str(port)], _env(settings)) as listener:

        def accepting() -> bool:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5):
                    return True
            except OSError:
                return False

        _wait_for(accepting, "the listener to accept connections")
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.sendmail("max.weber@acme.example", ["support@desk.test"], compose_mail())
        assert _received(app) == 1  # stored before the 250 came back
        listener.send_signal(signal.SIGTERM)
        assert listener.wait(timeout=60) == 0


def _outcomes(app: Tierdesk) -> dict[str, str]:
    with app.engine.connect() as connection:
        rows = connection.execute(select(inbound_emails.c.message_id, inbound_emails.c.outcome))
        return {message_id: str(outcome) for message_id, outcome in rows}


def test_mail_a_killed_listener_acknowledged_is_processed_exactly_once_after_a_restart(
    app: Tierdesk, settings: Settings, acme: Organisation
) -> None:
    port = free_port()
    env = _env(settings)
    mails = {new_message_id(): n for n in range(40)}

    def accepting() -> bool:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=5):
                return True
        except OSError:
            return False

    def send(ids: list[str]) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
            for message_id in ids:
                n = mails[message_id]  # from four people, each under the rate limit
                sender = f"Person {n % 4} <person{n % 4}@acme.example>"
                raw = compose_mail(sender=sender, subject=f"Burst {n}", message_id=message_id)
                assert smtp.sendmail("max.weber@acme.example", ["support@desk.test"], raw) == {}

    with _running(["mail", "listen", "--port", str(port)], env) as listener:
        _wait_for(accepting, "the listener to accept connections")
        ids = list(mails)
        senders = [threading.Thread(target=send, args=(ids[n::4],)) for n in range(4)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        listener.send_signal(signal.SIGKILL)  # right after the last 250
        listener.wait(timeout=60)
    at_kill = _outcomes(app)

    # Every acknowledged mail was stored; some were not processed yet (processing one costs
    # several times acknowledging it, so the kill falls between the two for most of them).
    assert sorted(at_kill) == sorted(mails)
    assert "received" in at_kill.values()
    with _running(["mail", "listen", "--port", str(port)], env) as listener:
        _wait_for(lambda: "received" not in _outcomes(app).values(), "the restart's intake")
        listener.send_signal(signal.SIGTERM)
        assert listener.wait(timeout=60) == 0

    assert set(_outcomes(app).values()) == {"stored"}
    with app.engine.connect() as connection:
        threaded = connection.execute(
            select(mail_message_ids.c.header_id, func.count())
            .where(mail_message_ids.c.direction == "in")
            .group_by(mail_message_ids.c.header_id)
        ).all()
        opened = connection.scalar(select(func.count()).select_from(tickets_table))
    assert sorted(header for header, _count in threaded) == sorted(mails)
    assert {count for _header, count in threaded} == {1}
    assert opened == len(mails)
