"""``tierdesk export DIR``: everything the desk holds, as documented NDJSON (docs/export.md) that
``tierdesk import tierdesk DIR`` reads back into an empty desk (services/exported_desks.py).

One ``<file>.ndjson`` per kind of record (the files and their order are storage's:
``uow.desk_rows.files()``), the attachments' bytes in ``attachments/<sha256>``, and
``manifest.json`` with the format's version, the desk's version and every file's count. Nobody's
password hash or API token is written: an imported desk's people sign in once an admin gives
them a password.
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
            count = 0
            with (directory / f"{name}.ndjson").open("w", encoding="utf-8") as out:
                after = 0
                while page := uow.desk_rows.read(name, after, _PAGE):
                    for document in page:
                        kept = {k: document.pop(k) for k in local}
                        if "storage_key" in kept:
                            copied += _copy_attachment(desk, directory, document, kept)
                        out.write(json.dumps(document, ensure_ascii=False, sort_keys=False))
                        out.write("\n")
                    after = page[-1]["id"]
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
