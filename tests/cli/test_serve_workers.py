"""``tierdesk serve --workers 2`` as a real process on a SQLite data directory: two web
processes answer on one port, and background jobs run in the serving parent only, once each."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.factories import make_contact, token_for
from tierdesk.adapters.db.jobs import job_attempts, jobs
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings

REPOSITORY = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERDESK_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(
        TIERDESK_DATABASE_URL=settings.database,
        TIERDESK_DATA_DIR=str(settings.data_dir),
        TIERDESK_ENV="test",
        TIERDESK_SEARCH__EMBEDDER="hashing",  # the model's load would only slow the start
    )
    return env


@contextmanager
def serving(settings: Settings, port: int, output: Path) -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "tierdesk", "serve", "--port", str(port), "--workers", "2"]
    with output.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=REPOSITORY, env=_environment(settings), stdout=log, stderr=log
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)


def _wait_for(condition: Callable[[], bool], what: str, output: Path, timeout: float = 90) -> None:
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(
                f"gave up waiting for {what}; the server said:\n{output.read_text()}"
            )
        time.sleep(0.1)


def _web_processes(pid: int) -> list[int]:
    """The server's child processes that multiprocessing spawned (not its resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in command:
                found.append(int(child))
    return found


def _connected_to(pid: int, port: int) -> bool:
    """Whether the process holds an established TCP connection on the port (as the server)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01" and fields[9] in inodes:  # 01: ESTABLISHED
            return True
    return False


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_two_web_processes_answer_and_jobs_run_once_in_the_parent(
    app: Tierdesk, settings: Settings, tmp_path: Path
) -> None:
    contact = make_contact(app.desk)
    headers = {"Authorization": f"Bearer {token_for(app.desk, contact)}"}
    port, output = _free_port(), tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"

    with serving(settings, port, output) as server:
        _wait_for(lambda: _up(base), "the server to answer", output)
        _wait_for(lambda: len(_web_processes(server.pid)) == 2, "two web processes", output)
        web = _web_processes(server.pid)
        held: list[httpx.Client] = []
        try:
            # Keep connections open until each web process holds one of them.
            for _ in range(200):
                if all(_connected_to(pid, port) for pid in web):
                    break
                client = httpx.Client(base_url=base, timeout=10)
                held.append(client)
                assert client.get("/api/v1/health").status_code == 200
            answered = [pid for pid in web if _connected_to(pid, port)]
            opened = held[0].post(
                "/api/v1/tickets",
                json={"subject": "Calls drop after 30 s", "body": "Every call, since Monday."},
                headers=headers,
            )
        finally:
            for client in held:
                client.close()
        assert opened.status_code == 201, opened.text
        metrics_directory = settings.data_dir / "prometheus-multiproc"

        def all_jobs_finished() -> bool:
            with app.engine.connect() as connection:
                states = connection.execute(select(jobs.c.status)).scalars().all()
            return bool(states) and all(state in ("done", "failed") for state in states)

        _wait_for(all_jobs_finished, "the ticket's jobs to run", output)
        with app.engine.connect() as connection:
            attempts = connection.execute(
                select(job_attempts.c.job_id, job_attempts.c.worker)
            ).all()

    with app.engine.connect() as connection:  # the web processes read while the parent writes
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert sorted(answered) == sorted(web)
    assert metrics_directory.is_dir()
    assert attempts
    assert len({job_id for job_id, _ in attempts}) == len(attempts)  # each job run once
    # only the parent runs jobs: its general runner, and its runner of new tickets' follow-ups
    ran = {tuple(worker.split(":")[1:3]) for _, worker in attempts}
    assert ran <= {(str(server.pid), "serve"), (str(server.pid), "serve-follow-ups")}
