"""How fast a desk's history comes in: a generated Zendesk export imported with
`tierdesk import zendesk`'s own services, then indexed and learnt from (issue 18).

    .venv/bin/python bench/import_speed.py [--tickets 50000] [--comments 4] [--database-url URL]

Writes an export in the Admin Center's shape (NDJSON ``organizations.json``, ``users.json``,
``tickets.json`` with each ticket's ``comments``) into a throwaway directory — every ticket
with a requester, an assignee, public and private comments, tags and a CSAT rating, texts
drawn from a few dozen support phrases so the index and triage have something to learn —
and imports it into a fresh desk (SQLite in the same directory unless ``--database-url``),
with the word-hashing embedder (the issue's measure; the shipped model's embedding is the
index time, reported apart). Prints: import seconds, tickets/s and messages/s (target ≥ 500
messages/s on SQLite), the index and training seconds, and a second run's seconds (nothing
changed: everything skipped). CPU seconds beside wall: wall grows with other load, CPU not.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tierdesk.bootstrap import bootstrap
from tierdesk.config import DatabaseSettings, SearchSettings, Settings
from tierdesk.services import imports
from tierdesk.services.auth import SYSTEM

PROBLEMS = [
    ("VPN tunnel drops every hour", "Our site-to-site VPN drops every hour since the update."),
    ("Calls drop after 30 seconds", "Every external call drops after about 30 seconds."),
    ("No audio on outbound calls", "Outbound calls connect but nobody hears anything."),
    ("Licence expired warning", "The admin page says our licence expired yesterday."),
    ("Fax fails since upgrade", "T.38 faxes fail since we upgraded the gateway."),
    ("Phone stuck on boot", "Two desk phones hang on the boot logo after a power cut."),
    ("Cannot log in to the portal", "The admin portal rejects our password since Monday."),
    ("Voicemail not delivered by mail", "Voicemails no longer arrive as e-mail attachments."),
    ("Certificate expired on trunk", "The TLS trunk to the carrier is down, certificate expired."),
    ("How to forward a port", "How do I forward port 443 to our internal web server?"),
]
REPLIES = [
    "Thanks, could you send the log from the last hour?",
    "We reproduced it in the lab; a fix is in the next maintenance release.",
    "Please restart the service after applying the attached configuration.",
    "The workaround is to disable SIP ALG on the firewall.",
]
NOTES = ["Looks like the known keepalive issue.", "Customer on old firmware; asked to upgrade."]
STATUSES = ["solved"] * 6 + ["closed"] * 2 + ["open", "pending", "hold", "new"]
PRIORITIES = ["low", "normal", "normal", "high", "urgent", None]
TYPES = ["problem", "question", "incident", "task", None]


def _at(start: datetime, minutes: int) -> str:
    return (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_export(directory: Path, tickets: int, comments: int, seed: int = 7) -> int:
    """The export's three files; returns how many comments it holds."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable export, not a secret
    organisations = max(1, tickets // 100)
    customers = max(2, tickets // 10)
    agents = 20
    start = datetime(2022, 1, 1, tzinfo=UTC)
    with (directory / "organizations.json").open("w", encoding="utf-8") as out:
        for o in range(organisations):
            row = {"id": 1000 + o, "name": f"Customer {o}", "domain_names": [f"c{o}.example"]}
            out.write(json.dumps(row) + "\n")
    with (directory / "users.json").open("w", encoding="utf-8") as out:
        for a in range(agents):
            row = {"id": 1 + a, "name": f"Agent {a}", "email": f"agent{a}@desk.example"}
            out.write(json.dumps(row | {"role": "agent", "organization_id": None}) + "\n")
        for c in range(customers):
            org = c % organisations
            row = {"id": 10_000 + c, "name": f"Customer person {c}", "role": "end-user"}
            row |= {"email": f"person{c}@c{org}.example", "organization_id": 1000 + org}
            out.write(json.dumps(row) + "\n")
    written = 0
    with (directory / "tickets.json").open("w", encoding="utf-8") as out:
        for t in range(tickets):
            subject, body = rng.choice(PROBLEMS)
            requester = 10_000 + rng.randrange(customers)
            agent = 1 + rng.randrange(agents)
            opened = rng.randrange(0, 60 * 24 * 900)
            thread: list[dict[str, Any]] = [
                {"id": 10 * t * comments + 1, "author_id": requester, "public": True}
                | {"body": f"{body} (case {t})", "created_at": _at(start, opened)}
            ]
            for c in range(1, comments):
                private = c % 3 == 2
                text = rng.choice(NOTES if private else REPLIES)
                author = agent if private or c % 2 else requester
                thread.append(
                    {"id": 10 * t * comments + 1 + c, "author_id": author, "public": not private}
                    | {"body": text, "created_at": _at(start, opened + 30 * c)}
                )
            status = rng.choice(STATUSES)
            row = {
                "id": 1 + t,
                "subject": subject,
                "description": thread[0]["body"],
                "status": status,
                "priority": rng.choice(PRIORITIES),
                "type": rng.choice(TYPES),
                "requester_id": requester,
                "submitter_id": requester,
                "assignee_id": agent,
                "organization_id": 1000 + (requester - 10_000) % organisations,
                "tags": ["bench", subject.split()[0].lower()],
                "via": {"channel": rng.choice(["email", "web", "voice"])},
                "created_at": _at(start, opened),
                "updated_at": _at(start, opened + 30 * comments),
                "satisfaction_rating": {"score": rng.choice(["good", "bad", "offered"])}
                if status in ("solved", "closed")
                else None,
                "custom_fields": [{"id": 360001, "value": f"6.{rng.randrange(4)}"}],
                "comments": thread,
            }
            out.write(json.dumps(row) + "\n")
            written += len(thread)
    return written


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--comments", type=int, default=4, help="comments per ticket")
    parser.add_argument("--database-url", help="default: SQLite in the throwaway directory")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tierdesk-import-bench-") as scratch:
        export = Path(scratch) / "export"
        export.mkdir()
        messages = write_export(export, options.tickets, options.comments)
        print(f"export: {options.tickets} tickets, {messages} comments")
        settings = Settings(data_dir=Path(scratch), search=SearchSettings(embedder="hashing"))
        if options.database_url:
            settings = settings.model_copy(
                update={"database": DatabaseSettings(url=options.database_url)}
            )
        app = bootstrap(settings)
        try:
            app.upgrade_database()
            source = app.import_source("zendesk", export)
            start = clocks()
            report = imports.import_history(app.desk, SYSTEM, source, app.fetch_attachment)
            wall, cpu = since(start)
            print(
                f"import: {wall:.1f} s wall, {cpu:.1f} s CPU; {options.tickets / wall:.0f} "
                f"tickets/s, {messages / wall:.0f} messages/s (target >= 500 on SQLite)"
            )
            start = clocks()
            imports.finish_import(app.desk, report)
            wall, cpu = since(start)
            print(f"index and triage training: {wall:.1f} s wall, {cpu:.1f} s CPU")
            start = clocks()
            again = imports.import_history(app.desk, SYSTEM, source, app.fetch_attachment)
            wall, cpu = since(start)
            skipped = again.total(imports.Outcome.SKIPPED)
            print(f"second run: {wall:.1f} s wall, {cpu:.1f} s CPU, {skipped} records skipped")
        finally:
            app.close()


if __name__ == "__main__":
    main()
