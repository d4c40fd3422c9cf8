"""Soak: messages keep arriving at a real IMAP server while a real poller process
(``tierdesk mail fetch``) is killed with SIGKILL at random moments and started again. In the end
every message is stored exactly once and every reply sits on its thread's ticket.

``make test`` runs it with 200 messages on SQLite; ``make soak`` with 1,000 on both engines
(TIERDESK_SOAK_MESSAGES, TIERDESK_SOAK_ENGINES). Most of the time goes to starting the poller
process again after each kill and to the other event handlers of a new ticket."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from tests.email.builders import compose_mail, new_message_id
from tests.email.servers import ImapAccount
from tierdesk.adapters.db.mail import inbound_emails
from tierdesk.adapters.db.tables import messages, tickets
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.domain.people import Organisation

MESSAGES = int(os.environ.get("TIERDESK_SOAK_MESSAGES", "200"))
ENGINES = os.environ.get("TIERDESK_SOAK_ENGINES", "sqlite").split(",")
KILLS = 8 if MESSAGES <= 200 else 20
DEADLINE_SECONDS = 300 + MESSAGES * 2  # a bound, so that a hang fails instead of running on


def _stored(app: Tierdesk) -> int:
    with app.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(inbound_emails)) or 0)


def _threads(count: int, rng: random.Random) -> tuple[list[bytes], list[list[str]]]:
    """``count`` mails in delivery order: new requests and replies to earlier mails of the same
    thread (by In-Reply-To/References only), each thread from its own customer."""
    mails: list[bytes] = []
    threads: list[list[str]] = []
    for n in range(count):
        if threads and rng.random() < 0.6:
            thread = rng.choice(threads)
            message_id = new_message_id()
            sender = f"customer{threads.index(thread)}@acme.example"
            mails.append(
                compose_mail(
                    sender=sender,
                    subject="Re: trouble",
                    body=f"Reply {n}",
                    message_id=message_id,
                    in_reply_to=thread[-1],
                    references=thread[-3:],
                )
            )
            thread.append(message_id)
        else:
            message_id = new_message_id()
            threads.append([message_id])
            sender = f"customer{len(threads) - 1}@acme.example"
            mails.append(
                compose_mail(
                    sender=sender,
                    subject=f"Trouble {n}",
                    body=f"Request {n}",
                    message_id=message_id,
                )
            )
    return mails, threads


def test_messages_survive_a_poller_killed_at_random_exactly_once_and_threaded(
    app: Tierdesk,
    settings: Settings,
    acme: Organisation,
    imap_account: ImapAccount,
    record_property: Callable[[str, object], None],
) -> None:
    engine = app.engine.dialect.name
    if engine not in ENGINES:
        pytest.skip(f"the soak runs on {', '.join(ENGINES)} here; `make soak` runs both engines")
    rng = random.Random(8)
    mails, threads = _threads(MESSAGES, rng)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERDESK_")}
    env.update(
        TIERDESK_DATA_DIR=str(settings.data_dir),
        TIERDESK_DATABASE_URL=settings.database,
        TIERDESK_ENV="test",
        TIERDESK_SEARCH__EMBEDDER="hashing",  # the real model is tested in tests/search
        TIERDESK_MAIL__ADDRESSES=json.dumps(settings.mail.addresses),
        TIERDESK_MAIL__RATE_LIMIT_MESSAGES="1000000",
        TIERDESK_MAIL__MAILBOXES=json.dumps(
            [
                {
                    "name": "support",
                    "host": imap_account.host,
                    "port": imap_account.port,
                    "ssl": False,
                    "user": imap_account.user,
                    "password_env": "SOAK_IMAP_PASSWORD",
                }
            ]
        ),
        SOAK_IMAP_PASSWORD=imap_account.password,
    )

    def deliver_in_bursts() -> None:
        for start in range(0, len(mails), 25):
            imap_account.append_many(mails[start : start + 25])
            time.sleep(rng.uniform(0.0, 0.4))

    delivery = threading.Thread(target=deliver_in_bursts)
    delivery.start()
    deadline = time.monotonic() + DEADLINE_SECONDS
    kills = clean_runs = 0
    started = time.monotonic()
    while time.monotonic() < deadline:
        before = _stored(app)
        poller = subprocess.Popen(
            [sys.executable, "-m", "tierdesk", "mail", "fetch"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if kills < KILLS:
            # Kill at a random moment once this run has stored something (so every run makes
            # progress however slowly the machine starts a process): mid-transaction, between a
            # commit and its \Seen flag, or between two messages.
            while poller.poll() is None and _stored(app) == before:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 0.5))
            if poller.poll() is None:
                poller.send_signal(signal.SIGKILL)
                poller.communicate()
                kills += 1
                continue
        _, errors = poller.communicate(timeout=max(deadline - time.monotonic(), 1))
        assert poller.returncode == 0, errors.decode()
        clean_runs += 1
        if not delivery.is_alive() and imap_account.unseen_count() == 0:
            break
    delivery.join()
    record_property(
        "soak",
        f"{MESSAGES} messages, {kills} kills, {clean_runs} clean runs, "
        f"{time.monotonic() - started:.0f} s",
    )

    assert imap_account.unseen_count() == 0, "the pollers did not finish within the deadline"
    # On a loaded machine a poller may finish its share before the planned kill; what matters
    # is that it was killed mid-run at least once and nothing was lost or doubled.
    assert 1 <= kills <= KILLS, "the poller was never killed"
    with app.engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(inbound_emails))
        outcomes = set(connection.scalars(select(inbound_emails.c.outcome)))
        written = connection.scalar(select(func.count()).select_from(messages))
        opened = connection.scalar(select(func.count()).select_from(tickets))
        pairs = connection.execute(select(inbound_emails.c.message_id, inbound_emails.c.ticket_id))
        ticket_of = {row.message_id: row.ticket_id for row in pairs}
    assert (stored, written) == (MESSAGES, MESSAGES)
    assert outcomes == {"stored"}
    assert opened == len(threads)
    by_ticket: dict[int, set[int]] = defaultdict(set)
    for number, thread in enumerate(threads):
        ticket_ids = {ticket_of[m] for m in thread}
        assert len(ticket_ids) == 1, f"thread {number} was split over {ticket_ids}"
        by_ticket[ticket_ids.pop()].add(number)
    assert all(len(numbers) == 1 for numbers in by_ticket.values())
