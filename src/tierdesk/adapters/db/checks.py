"""``tierdesk db check``: is this database whole? Run after a restore, or whenever in doubt.

SQLite's own checks (``integrity_check``, ``foreign_key_check``: foreign keys are enforced only
on connections that turned them on, so a file written elsewhere can break them); on PostgreSQL
the server enforces both. Then every file the database names in the content-addressed store
(attachments, raw inbound mail) must exist and hash to its key, and the main counts are shown."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine, func, select

from tierdesk.adapters.db.mail import inbound_emails
from tierdesk.adapters.db.tables import attachments, contacts, messages, tickets
from tierdesk.domain.backups import DeskCheck

_CHUNK = 1024 * 1024
_SHOWN = 5  # problems named one by one before "and N more"


def check_database(engine: Engine, files_root: Path, report: DeskCheck) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            if integrity == ["ok"]:
                report.facts.append("SQLite integrity check: ok")
            else:
                report.problems.append("SQLite integrity check: " + "; ".join(integrity[:_SHOWN]))
            broken = list(connection.exec_driver_sql("PRAGMA foreign_key_check"))
            if broken:
                tables = sorted({str(row[0]) for row in broken})
                report.problems.append(
                    f"{len(broken)} rows point at rows that do not exist (tables: "
                    + ", ".join(tables)
                    + ")"
                )
            else:
                report.facts.append("foreign keys: intact")
        for label, table in (
            ("tickets", tickets),
            ("messages", messages),
            ("contacts", contacts),
            ("attachments", attachments),
        ):
            count = connection.execute(select(func.count()).select_from(table)).scalar_one()
            report.facts.append(f"{label}: {count}")
        stored = {
            str(row.storage_key): str(row.sha256)
            for row in connection.execute(select(attachments.c.storage_key, attachments.c.sha256))
        }
        raw = {str(key) for key in connection.execute(select(inbound_emails.c.raw_key)).scalars()}
    _check_files(files_root, stored, raw, report)


def _check_files(root: Path, stored: dict[str, str], raw: set[str], report: DeskCheck) -> None:
    expected = dict(stored)
    expected.update({key: key for key in raw if key not in expected})
    missing, altered = [], []
    for key, sha256 in sorted(expected.items()):
        path = root / key[:2] / key
        if not path.is_file():
            missing.append(key)
        elif sha256 != key or _sha256(path) != key:  # content-addressed: key is the hash
            altered.append(key)
    if missing:
        report.problems.append(f"{len(missing)} stored files are missing: {_few(missing)}")
    if altered:
        report.problems.append(f"{len(altered)} stored files fail their hash: {_few(altered)}")
    if not missing and not altered:
        report.facts.append(f"stored files: {len(expected)}, all present and matching their hash")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _few(keys: list[str]) -> str:
    shown = ", ".join(key[:12] for key in keys[:_SHOWN])
    return shown + (f" and {len(keys) - _SHOWN} more" if len(keys) > _SHOWN else "")
