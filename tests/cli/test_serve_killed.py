"""``tierdesk serve --workers 2`` killed with SIGKILL while customers open tickets and write to
them: every ticket and message the server acknowledged (201) is there after a restart, each
with the follow-up job its transaction enqueued, and the database file is intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.cli.test_serve_workers import REPOSITORY, _environment, _free_port, _up, _wait_for
from tests.factories import make_agent, make_contact, token_for
from tierdesk.adapters.db.jobs import jobs
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.domain.people import Role, Tier
from tierdesk.services.follow_ups import FOLLOW_UP_TASK

CLIENTS = 8


@contextmanager
def server_group(settings: Settings, port: int, output: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The server in a process group of its own, so that killing the group kills its web
    processes too (as a host losing power would), not only the parent."""
    command = [sys.executable, "-m", "tierdesk", "serve", "--port", str(port), "--workers", "2"]
    with output.open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=REPOSITORY,
            env=_environment(settings),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)


class Customers:
    """Threads opening tickets and adding messages to those acknowledged, until told to stop;
    what the server answered 201 to is kept."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"}
        self.tickets: list[str] = []
        self.messages: list[tuple[str, str]] = []
        self.server_errors: list[str] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._write, args=(n,)) for n in range(CLIENTS)]

    def __enter__(self) -> Customers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(60)

    def _write(self, n: int) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as client:
            step = 0
            while not self.stop.is_set():
                step += 1
                try:
                    self._one(client, n, step)
                except httpx.HTTPError:  # the server is gone: keep trying until told to stop
                    time.sleep(0.05)

    def _one(self, client: httpx.Client, n: int, step: int) -> None:
        with self._lock:
            known = list(self.tickets)
        if step % 2 and known:
            number, text = known[(n + step) % len(known)], f"Still dropping ({n}-{step})"
            answer = client.post(f"/api/v1/tickets/{number}/messages", json={"body": text})
            acknowledged = (number, text)
        else:
            subject = f"Calls drop after 30 seconds ({n}-{step})"
            answer = client.post("/api/v1/tickets", json={"subject": subject, "body": "Since."})
            acknowledged = None
        if answer.status_code >= 500:
            self.server_errors.append(f"{answer.status_code}: {answer.text[:200]}")
        if answer.status_code != 201:
            return
        with self._lock:
            if acknowledged is None:
                self.tickets.append(str(answer.json()["number"]))
            else:
                self.messages.append(acknowledged)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_nothing_acknowledged_is_lost_when_the_server_is_killed_mid_write(
    app: Tierdesk, settings: Settings, tmp_path: Path
) -> None:
    customer = token_for(app.desk, make_contact(app.desk))
    lead = token_for(app.desk, make_agent(app.desk, role=Role.LEAD, tiers=[int(Tier.L1)]))
    port, output = _free_port(), tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"

    with server_group(settings, port, output) as server, Customers(base, customer) as load:
        _wait_for(lambda: _up(base), "the server to answer", output)
        _wait_for(lambda: len(load.tickets) >= 20 and len(load.messages) >= 10, "writes", output)
        os.killpg(server.pid, signal.SIGKILL)  # mid-write: the clients are still sending
        server.wait(30)
        time.sleep(0.5)  # the clients meet the dead server a few times
    assert not load.server_errors

    with app.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        followed = {
            int(payload["ticket_id"])
            for payload in connection.execute(
                select(jobs.c.payload).where(jobs.c.name == FOLLOW_UP_TASK)
            ).scalars()
        }

    with server_group(settings, port, output):
        _wait_for(lambda: _up(base), "the server to answer again", output)
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {lead}"}, timeout=30
        ) as client:
            threads = {}
            for number in load.tickets:
                answer = client.get(f"/api/v1/tickets/{number}")
                assert answer.status_code == 200, (number, answer.text)
                threads[number] = answer.json()
                assert threads[number]["id"] in followed  # its follow-up was stored with it
            for number, text in load.messages:
                bodies = [m["body"] for m in threads[number]["messages"]]
                assert text in bodies, (number, text)
            # and the restarted desk takes new work
            again = client.post(
                "/api/v1/tickets",
                json={"subject": "After the restart", "body": "Opened again."},
                headers={"Authorization": f"Bearer {customer}"},
            )
            assert again.status_code == 201, again.text
