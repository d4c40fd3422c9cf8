"""The HTTP API's speed against a copy of the demo desk, with the web framework's floor beside
it (issue 19).

    .venv/bin/python bench/api.py [--data-dir DIR] [--workers 1,2] [--seconds 10]
                                  [--connections 16] [--database-url URL]

Copies the demo desk given by ``--data-dir`` into a throwaway directory (or builds one there
with ``tierdesk demo``), starts ``tierdesk serve`` on a free port once per ``--workers`` count
and, from one asyncio client (httpx) holding ``--connections`` connections, sends each request
for ``--seconds``: ``GET /api/v1/health`` (no database: the floor of the framework and of this
client on this machine), GET a ticket, list 20 tickets and a KB search as an agent, and a POST
of a new ticket as a customer. Prints per request requests/s, its share of the floor measured
in the same server, p50/p99 and failures, then the same as a Markdown table for
bench/README.md. ``--database-url`` serves a PostgreSQL database that already holds the demo
desk (``TIERDESK_DATABASE_URL=... tierdesk demo``) instead; its new tickets stay there.

The client runs on the same machine as the server and takes its share of the cores: the floor
measures both, and so do the shares.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

AGENT = "anna.keller@kestrel.example"  # an agent of the demo desk
CUSTOMER = "oliver.bennett@northwind-freight.example"  # a portal customer of the demo desk
TIERDESK = [sys.executable, "-m", "tierdesk"]


@dataclass
class Measured:
    name: str
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def _environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERDESK_")}
    env["TIERDESK_DATA_DIR"] = str(data_dir)
    if database_url:
        env["TIERDESK_DATABASE_URL"] = database_url
    return env


def _tierdesk(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*TIERDESK, *args], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip()


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], workers: int, log: Path) -> Iterator[str]:
    port = _free_port()
    command = [*TIERDESK, "serve", "--port", str(port)]
    if workers > 1:  # without it the command also runs where --workers does not exist yet
        command += ["--workers", str(workers)]
    with log.open("ab") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=out)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        give_up = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > give_up or server.poll() is not None:
                raise SystemExit(f"the server did not start; see {log}")
            time.sleep(0.2)
        time.sleep(3 if workers > 1 else 0)  # the other web processes finish loading
        yield base
    finally:
        server.terminate()
        server.wait(60)


Send = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def measure(base: str, name: str, send: Send, connections: int, seconds: float) -> Measured:
    result = Measured(name)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        for n in range(connections):  # open the connections before the clock starts
            await send(client, n)
        stop = time.monotonic() + seconds
        counter = iter(range(10**9))

        async def one_connection() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    response = await send(client, next(counter))
                    ok = response.status_code < 400
                except httpx.HTTPError:
                    ok = False
                if ok:
                    result.latencies.append(time.perf_counter() - started)
                else:
                    result.failures += 1

        began = time.monotonic()
        await asyncio.gather(*(one_connection() for _ in range(connections)))
        result.seconds = time.monotonic() - began
    return result


def requests(agent: dict[str, str], customer: dict[str, str], ticket: str) -> dict[str, Send]:
    questions = ["one-way audio after upgrade", "SIP trunk registration fails", "NAT keepalive"]

    def health(c: httpx.AsyncClient, _n: int) -> Awaitable[httpx.Response]:
        return c.get("/api/v1/health")

    def read(c: httpx.AsyncClient, _n: int) -> Awaitable[httpx.Response]:
        return c.get(f"/api/v1/tickets/{ticket}", headers=agent)

    def listing(c: httpx.AsyncClient, _n: int) -> Awaitable[httpx.Response]:
        return c.get("/api/v1/tickets", params={"limit": 20}, headers=agent)

    def kb(c: httpx.AsyncClient, n: int) -> Awaitable[httpx.Response]:
        return c.get("/api/v1/kb/search", params={"q": questions[n % 3]}, headers=agent)

    def create(c: httpx.AsyncClient, n: int) -> Awaitable[httpx.Response]:
        body = {"subject": f"Calls drop after 30 seconds ({n})", "body": "Since the upgrade."}
        return c.post("/api/v1/tickets", json=body, headers=customer)

    return {
        "health (floor)": health,
        "GET a ticket": read,
        "list 20 tickets": listing,
        "KB search": kb,
        "POST a ticket (customer)": create,
    }


def prepare(args: argparse.Namespace, scratch: Path) -> Path:
    """The data directory every run starts from a copy of (migrated, with the demo desk)."""
    data_dir = scratch / "base"
    if args.data_dir:
        shutil.copytree(args.data_dir, data_dir)
    env = _environment(data_dir, args.database_url)
    if not args.data_dir and not args.database_url:
        print("building the demo desk (tierdesk demo) …", file=sys.stderr)
        _tierdesk(env, "demo")
    _tierdesk(env, "db", "upgrade")
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="a data directory holding the demo desk")
    parser.add_argument("--database-url", help="a PostgreSQL database holding the demo desk")
    parser.add_argument("--workers", default="1,2", help="web process counts, e.g. 1,2")
    parser.add_argument("--seconds", type=float, default=10.0, help="per request kind")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tierdesk-bench-api-") as scratch_name:
        scratch = Path(scratch_name)
        base_dir = prepare(args, scratch)
        rows: list[tuple[int, Measured, float]] = []
        load_before = os.getloadavg()
        for workers in [int(w) for w in args.workers.split(",")]:
            # Each run on its own copy: the previous run's new tickets and their jobs would
            # otherwise be this one's (on PostgreSQL they stay in the one database).
            data_dir = scratch / f"data-{workers}"
            if not args.database_url:
                shutil.copytree(base_dir, data_dir)
            env = _environment(data_dir if not args.database_url else base_dir, args.database_url)
            agent_token = _tierdesk(env, "token", "create", "--email", AGENT)
            agent = {"Authorization": f"Bearer {agent_token}"}
            token = _tierdesk(env, "token", "create", "--email", CUSTOMER)
            customer = {"Authorization": f"Bearer {token}"}
            with serving(env, workers, scratch / f"serve-{workers}.log") as base:
                listed = httpx.get(
                    f"{base}/api/v1/tickets", params={"limit": 1}, headers=agent, timeout=120
                )
                ticket = listed.json()["items"][0]["number"]
                floor = 0.0
                for name, send in requests(agent, customer, ticket).items():
                    run = asyncio.run(measure(base, name, send, args.connections, args.seconds))
                    floor = floor or run.rate
                    rows.append((workers, run, run.rate / floor))
                    print(
                        f"{workers} web  {name:26} {run.rate:8.1f}/s  {run.rate / floor:5.2f}×  "
                        f"p50 {run.percentile(0.5):7.1f} ms  p99 {run.percentile(0.99):7.1f} ms  "
                        f"failed {run.failures}",
                        flush=True,
                    )
        engine = "PostgreSQL" if args.database_url else "SQLite"
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        loads = f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after"
        print(
            f"\n#### {when}, {engine}, {args.connections} connections, {args.seconds:g} s each, "
            f"{os.cpu_count()} cores, load average {loads}\n"
        )
        print(
            "| web processes | request | requests/s | share of the floor | p50 / p99 ms | failed |"
        )
        print("|---|---|---|---|---|---|")
        for workers, run, share in rows:
            print(
                f"| {workers} | {run.name} | {run.rate:,.0f} | {share:.2f}× | "
                f"{run.percentile(0.5):,.0f} / {run.percentile(0.99):,.0f} | {run.failures} |"
            )


if __name__ == "__main__":
    main()
