"""A burst of mail through the SMTP listener (issue 19: 1,000 messages at >= 50 messages/s
stored, nothing lost or doubled).

    .venv/bin/python bench/mail_burst.py [--messages 1000] [--connections 8] [--data-dir DIR]
                                         [--database-url URL] [--embedder use|hashing]

Sets up a desk — a fresh one in a throwaway directory, or a copy of ``--data-dir`` (SQLite), or
the PostgreSQL database of ``--database-url`` — with one organisation of known customers
(``burst.example``, created when missing), and starts ``tierdesk mail listen`` on a free port
as a deployment does (its own process, the desk's settings from the environment; the sender
address set, so new tickets queue their acknowledgements). Then, from ``--connections``
threads each holding one SMTP connection (smtplib), sends ``--messages`` distinct messages:
mostly new requests from the known customers (one in ten with a log file attached), some
replies to earlier ones (In-Reply-To and References; each sent once its original was
acknowledged), and besides those a few re-sends of an earlier message's bytes with a new
Received header (a sending server retrying; half wait for the first copy's answer, half race
it). Then it waits until every distinct message is processed and counts what the database
holds:

- messages/s from the first send to the last message stored (its ``processed_at``), and the
  rate of 250 answers (first send to last answer);
- lost: answered 250 but not stored; doubled: a Message-ID with two ``inbound_emails`` rows or
  two ticket messages; replies that did not join their original's ticket;
- every 4xx/5xx answer by code, and the listener process's CPU seconds.

Prints the figures, a Markdown row for bench/README.md and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mail_messages import DESK, DOMAIN, Planned, plan  # the burst's messages, beside this file
from sqlalchemy import text

from tierdesk.bootstrap import bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.errors import ConflictError
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM

TIERDESK = [sys.executable, "-m", "tierdesk"]
ORGANISATION = "Burst Customers"


@dataclass
class Sent:
    first_send: float = 0.0
    last_answer: float = 0.0
    codes: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)


def send_all(port: int, burst: list[Planned], connections: int) -> Sent:
    """Each thread holds one SMTP connection and sends what it takes from the shared queue; a
    reply (or a waiting re-send) is sent once its original has been answered."""
    todo: queue.Queue[Planned] = queue.Queue()
    for item in burst:
        todo.put(item)
    first: dict[str, Planned] = {}
    for item in burst:
        first.setdefault(item.message_id, item)
    sent = Sent()
    lock = threading.Lock()

    def worker() -> None:
        smtp = smtplib.SMTP("127.0.0.1", port, timeout=300)
        try:
            while True:
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    return
                if item.original is not None:
                    first[item.original].answered.wait(600)
                try:
                    smtp.sendmail(item.sender, [DESK], item.raw)
                    item.code = 250
                except smtplib.SMTPResponseException as refused:
                    item.code = refused.smtp_code
                except (smtplib.SMTPException, OSError) as broken:
                    with lock:
                        sent.errors[type(broken).__name__] += 1
                    smtp.close()
                    smtp = smtplib.SMTP("127.0.0.1", port, timeout=300)
                item.answered_at = time.time()
                if item.code is not None:
                    with lock:
                        sent.codes[item.code] += 1
                if item is first[item.message_id]:
                    item.answered.set()
        finally:
            smtp.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    sent.first_send = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.last_answer = max((i.answered_at or 0.0) for i in burst)
    return sent


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _commit() -> str:
    """The checkout's commit, with "+" when its files differ from it."""
    here = Path(__file__).resolve().parent
    git = ["git", "-C", str(here)]
    done = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)  # noqa: S603
    status = [*git, "status", "--porcelain", "--", "../src"]
    dirty = subprocess.run(status, capture_output=True, text=True)  # noqa: S603
    return done.stdout.strip() + ("+" if dirty.stdout.strip() else "")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def listening(env: dict[str, str], port: int, log: Path) -> Any:
    with log.open("ab") as out:
        listener = subprocess.Popen(  # noqa: S603
            [*TIERDESK, "mail", "listen", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    try:
        give_up = time.monotonic() + 120
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as probe:
                    probe.noop()
                break
            except OSError:
                if time.monotonic() > give_up or listener.poll() is not None:
                    raise SystemExit(f"the listener did not start; see {log}") from None
                time.sleep(0.2)
        yield listener
    finally:
        listener.terminate()
        listener.wait(60)


def prepare(args: argparse.Namespace, scratch: Path) -> tuple[Settings, list[str]]:
    """The desk's settings and its known customers' addresses (created when missing)."""
    data_dir = scratch / "data"
    if args.data_dir:
        shutil.copytree(args.data_dir, data_dir)
    update: dict[str, Any] = {"data_dir": data_dir}
    if args.database_url:
        update["database_url"] = args.database_url
    if args.embedder:
        update["search"] = SearchSettings(embedder=args.embedder)
    settings = Settings(**update)
    app = bootstrap(settings)
    customers = [f"customer{c}@{DOMAIN}" for c in range(args.customers)]
    try:
        app.upgrade_database()
        for address in customers:
            with suppress(ConflictError):  # created by a run before on the same database
                people.create_contact(
                    app.desk,
                    SYSTEM,
                    people.NewContact(
                        address,
                        address.split("@")[0].title(),
                        ORGANISATION,
                        create_organisation=True,
                    ),
                )
    finally:
        app.close()
    return settings, customers


def _environment(settings: Settings, args: argparse.Namespace, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERDESK_")}
    env["TIERDESK_DATA_DIR"] = str(settings.data_dir)
    if args.database_url:
        env["TIERDESK_DATABASE_URL"] = args.database_url
    if args.embedder:
        env["TIERDESK_SEARCH__EMBEDDER"] = args.embedder
    env["TIERDESK_MAIL__ADDRESSES"] = json.dumps([DESK])
    env["TIERDESK_MAIL__FROM_ADDRESS"] = DESK
    env["TIERDESK_MAIL__LISTENER_PORT"] = str(port)
    return env


@dataclass
class Stored:
    rows: dict[str, list[dict[str, Any]]]
    in_ids: Counter[str]
    pending: int


def read_back(settings: Settings, message_ids: set[str]) -> Stored:
    app = bootstrap(settings)
    try:
        with app.engine.connect() as db:
            rows: dict[str, list[dict[str, Any]]] = {}
            for row in db.execute(
                text(
                    "SELECT message_id, outcome, reason, ticket_id, processed_at "
                    "FROM inbound_emails WHERE message_id LIKE :like"
                ),
                {"like": f"<burst-%@{DOMAIN}>"},
            ).mappings():
                if row["message_id"] in message_ids:
                    rows.setdefault(row["message_id"], []).append(dict(row))
            in_ids: Counter[str] = Counter()
            for header_id, count in db.execute(
                text(
                    "SELECT header_id, count(*) FROM mail_message_ids "
                    "WHERE direction = 'in' AND header_id LIKE :like GROUP BY header_id"
                ),
                {"like": f"<burst-%@{DOMAIN}>"},
            ):
                if header_id in message_ids:
                    in_ids[header_id] = count
    finally:
        app.close()
    pending = sum(
        1
        for found in rows.values()
        for row in found
        if row["processed_at"] is None or row["outcome"] in ("receiving", "received")
    )
    return Stored(rows, in_ids, pending)


def _moment(value: Any) -> float:
    if isinstance(value, str):  # SQLite through text(): the stored ISO string
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return float(value.timestamp())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000, help="distinct messages")
    parser.add_argument("--connections", type=int, default=8, help="concurrent SMTP sessions")
    parser.add_argument("--customers", type=int, default=100, help="known customers sending")
    parser.add_argument("--data-dir", type=Path, help="a data directory to copy (SQLite)")
    parser.add_argument("--database-url", help="a PostgreSQL database (default: SQLite)")
    parser.add_argument(
        "--embedder", choices=["use", "hashing"], help="default: the deployment's default"
    )
    parser.add_argument("--port", type=int, help="listener port (default: a free one)")
    parser.add_argument("--wait", type=float, default=600, help="longest wait for processing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tierdesk-bench-mail-") as scratch_name:
        scratch = Path(scratch_name)
        settings, customers = prepare(args, scratch)
        burst = plan(args.messages, customers)
        distinct = {i.message_id for i in burst}
        port = args.port or _free_port()
        env = _environment(settings, args, port)
        load_before = os.getloadavg()
        with listening(env, port, scratch / "listen.log") as listener:
            cpu_before = _cpu_seconds(listener.pid)
            sent = send_all(port, burst, args.connections)
            give_up = time.monotonic() + args.wait
            while True:
                stored = read_back(settings, distinct)
                if not stored.pending and len(stored.rows) >= len(distinct):
                    break
                if time.monotonic() > give_up:
                    break
                time.sleep(1.0)
            cpu = _cpu_seconds(listener.pid) - cpu_before
        load_after = os.getloadavg()
        log_tail = (scratch / "listen.log").read_text(errors="replace")[-3000:]

    acknowledged = {i.message_id for i in burst if i.code == 250}
    lost = sorted(m for m in acknowledged if m not in stored.rows)
    doubled = sorted(m for m in distinct if len(stored.rows.get(m, [])) > 1 or stored.in_ids[m] > 1)
    outcomes = Counter(r["outcome"] for found in stored.rows.values() for r in found)
    ticket_of = {m: found[0]["ticket_id"] for m, found in stored.rows.items()}
    replies = [i for i in burst if i.kind == "reply"]
    threaded = sum(
        1
        for i in replies
        if ticket_of.get(i.message_id) is not None
        and ticket_of.get(i.message_id) == ticket_of.get(i.original or "")
    )
    # Stored: in the database for good, which the 250 says (it is answered after the commit);
    # processed: turned into its outcome (a ticket, a message on one), whose processed_at is
    # when that began — on code that answers 250 only after processing, the last 250 is later.
    firsts = [i for i in burst if i.kind != "resend" and i.code == 250 and i.answered_at]
    stored_end = max(i.answered_at or 0.0 for i in firsts) if firsts else float("nan")
    done = [
        _moment(r["processed_at"])
        for found in stored.rows.values()
        for r in found
        if r["processed_at"] is not None
    ]
    processed_end = max([*done, stored_end]) if done else float("nan")
    stored_seconds = stored_end - sent.first_send
    processed_seconds = processed_end - sent.first_send
    processed_count = len(stored.rows) - stored.pending
    refusals = {str(code): n for code, n in sorted(sent.codes.items()) if code != 250}
    kinds = Counter(i.kind for i in burst)
    rate = len(firsts) / stored_seconds if stored_seconds > 0 else 0.0
    processed_rate = processed_count / processed_seconds if processed_seconds > 0 else 0.0
    engine = "PostgreSQL" if args.database_url else "SQLite"
    commit = _commit()
    embedder = args.embedder or settings.search.embedder

    print(
        f"sent {len(burst)} SMTP transactions over {args.connections} connections: "
        f"{kinds['new']} new requests, {kinds['reply']} replies, {kinds['resend']} re-sends "
        f"({len(distinct)} distinct Message-IDs)"
    )
    print(f"answers: {dict(sorted(sent.codes.items()))}; connection errors: {dict(sent.errors)}")
    print(
        f"stored: {len(stored.rows)} distinct, outcomes {dict(outcomes)}, pending {stored.pending}"
    )
    print(
        f"messages/s stored (250 after the commit): {rate:.1f} ({len(firsts)} in "
        f"{stored_seconds:.1f} s from the first send); processed into tickets: "
        f"{processed_rate:.1f}/s ({processed_count} in {processed_seconds:.1f} s)"
    )
    print(
        f"lost: {len(lost)}; doubled: {len(doubled)}; replies threaded: {threaded}/{len(replies)}"
    )
    print(f"listener CPU: {cpu:.1f} s ({cpu / max(1, len(stored.rows)) * 1000:.0f} ms a message)")
    print(f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    if lost or doubled or refusals or sent.errors:
        print("listener log (tail):\n" + log_tail, file=sys.stderr)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"commit {commit}")
    print(
        "\n| when | commit | engine | embedder | connections | stored/s (250) | processed/s | "
        "lost | doubled | 4xx/5xx | replies threaded | listener CPU ms/message | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {when} | {commit} | {engine} | {embedder} | {args.connections} | {rate:.1f} | "
        f"{processed_rate:.1f} | {len(lost)} | {len(doubled)} | {refusals or 0} | "
        f"{threaded}/{len(replies)} | {cpu / max(1, len(stored.rows)) * 1000:.0f} | "
        f"{load_before[0]:.1f} → {load_after[0]:.1f} |"
    )
    print(
        json.dumps(
            {
                "engine": engine,
                "embedder": embedder,
                "connections": args.connections,
                "sent": len(burst),
                "distinct": len(distinct),
                "stored": len(stored.rows),
                "pending": stored.pending,
                "commit": commit,
                "stored_per_second": round(rate, 2),
                "processed_per_second": round(processed_rate, 2),
                "seconds_to_last_stored": round(stored_seconds, 2),
                "seconds_to_last_processed": round(processed_seconds, 2),
                "lost": len(lost),
                "doubled": len(doubled),
                "refused": refusals,
                "connection_errors": dict(sent.errors),
                "outcomes": dict(outcomes),
                "replies_threaded": [threaded, len(replies)],
                "listener_cpu_seconds": round(cpu, 2),
                "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
            }
        )
    )


if __name__ == "__main__":
    main()
