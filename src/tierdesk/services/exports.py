"""``tierdesk export DIR``: everything the desk holds, as documented NDJSON (docs/export.md) that
``tierdesk import tierdesk DIR`` reads back into an empty desk (services/exported_desks.py).

One ``<file>.ndjson`` per kind of record (the files and their order are storage's:
``uow.desk_rows.files()``), the attachments' bytes in ``attachments/<sha256>``, and
``manifest.json`` with the format's version, the desk's version and every file's count. Nobody's
password hash or API token is written: an imported desk's people sign in once an admin gives
them a password.

Files kept elsewhere than ``attachments``: a side conversation's message lists the files that
came with it (``FILE_LISTS``) by where this desk keeps them; the export writes each with its
SHA-256 instead and copies its bytes into ``attachments/`` like any attachment's.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tierdesk.domain.people import Actor
from tierdesk.errors import ConflictError, InvalidInputError
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk

FORMAT = "tierdesk-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ATTACHMENTS = "attachments"
_PAGE = 500  # rows read per statement
# Files whose lines list files of their own (a JSON list of objects with a ``storage_key``):
# the field that lists them. The line holds each one's ``sha256`` in place of the key.
FILE_LISTS = {"side_messages": "attachments"}

Progress = Callable[[int, int], None]  # rows written, rows in the desk


def export_desk(
    desk: Desk,
    actor: Actor,
    directory: Path,
    desk_version: str,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the desk into ``directory`` (created; refused if it holds an export already) and
    return the manifest. Read in one transaction, so the files agree with each other."""
    require_lead(actor, "export the desk")
    if (directory / MANIFEST).exists():
        raise ConflictError(f"{directory} already holds an export; choose an empty directory")
    if directory.exists() and not directory.is_dir():
        raise InvalidInputError(f"{directory} is not a directory", field="directory")
    (directory / ATTACHMENTS).mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, Any]] = {}
    copied = 0
    with desk.uow() as uow:
        uow.desk_rows.snapshot()
        names = uow.desk_rows.files()
        total = sum(uow.desk_rows.count(name) for name in names)
        done = 0
        for name in names:
            local = uow.desk_rows.local_fields(name)
            keys = uow.desk_rows.key_fields(name)
            count = 0
            with (directory / f"{name}.ndjson").open("w", encoding="utf-8") as out:
                after: tuple[int, ...] | None = None
                while page := uow.desk_rows.read(name, after, _PAGE):
                    for document in page:
                        kept = {k: document.pop(k) for k in local}
                        if "storage_key" in kept:
                            copied += _copy_attachment(desk, directory, document, kept)
                        if name in FILE_LISTS:
                            field = FILE_LISTS[name]
                            copied += _copy_listed_files(desk, directory, document, field)
                        out.write(json.dumps(document, ensure_ascii=False, sort_keys=False))
                        out.write("\n")
                    after = tuple(int(page[-1][k]) for k in keys)
                    count += len(page)
                    done += len(page)
                    if progress is not None:
                        progress(done, total)
            files[name] = {"file": f"{name}.ndjson", "count": count}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "desk_version": desk_version,
        # Names the export in the source ids an import keeps, so that importing the same
        # directory again adds nothing and another export is told apart.
        "export_id": uuid.uuid4().hex[:24],
        "exported_at": desk.clock.now().isoformat(),
        "files": files,
        "attachments": {"directory": ATTACHMENTS, "count": copied},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return manifest


def _copy_attachment(
    desk: Desk, directory: Path, document: dict[str, Any], local: dict[str, Any]
) -> int:
    """Copy an attachment's bytes to ``attachments/<sha256>`` (once per content)."""
    target = directory / ATTACHMENTS / str(document["sha256"])
    if target.exists():
        return 0
    data = desk.files.open(str(local["storage_key"]))
    if hashlib.sha256(data).hexdigest() != document["sha256"]:
        raise ConflictError(
            f"attachment {document['id']} ({document['filename']}) does not match its stored hash"
        )
    target.write_bytes(data)
    return 1


def _copy_listed_files(desk: Desk, directory: Path, document: dict[str, Any], field: str) -> int:
    """Write each listed file with its SHA-256 in place of where this desk keeps it, and copy
    its bytes to ``attachments/<sha256>`` (once per content); how many were copied."""
    listed: list[dict[str, Any]] = []
    copied = 0
    for entry in document[field] or []:
        data = desk.files.open(str(entry["storage_key"]))
        digest = hashlib.sha256(data).hexdigest()
        target = directory / ATTACHMENTS / digest
        if not target.exists():
            target.write_bytes(data)
            copied += 1
        written = {k: v for k, v in entry.items() if k != "storage_key"}
        listed.append({**written, "sha256": digest})
    document[field] = listed
    return copied
