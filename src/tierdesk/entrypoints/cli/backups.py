"""``tierdesk backup FILE`` and ``tierdesk restore FILE`` (README, Operations)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierdesk.backups import backup_desk, restore_desk
from tierdesk.entrypoints.cli.wiring import note, running_desk, say


def backup(
    file: Annotated[Path, typer.Argument(help="The archive to write (a new .tar.gz file).")],
) -> None:
    """Write one archive holding a consistent copy of the database and the data directory's
    files. Safe while the desk runs. PostgreSQL needs pg_dump (PATH or db.pg_bin_dir)."""
    with running_desk(require_current_schema=False) as app:
        note(f"Backing up {app.database_label} and {app.settings.data_dir} …")
        manifest = backup_desk(app, file)
    size = file.stat().st_size
    say(
        f"Backup written to {file} ({size:,} bytes): the {manifest.engine} database at schema "
        f"{', '.join(manifest.schema_revisions)} and {len(manifest.data_files)} files."
    )


def restore(
    file: Annotated[Path, typer.Argument(help="An archive `tierdesk backup` wrote.")],
) -> None:
    """Restore a backup into an empty database and an empty data directory (refused
    otherwise). Every file is checked against the backup's manifest before anything is
    written. PostgreSQL needs pg_restore (PATH or db.pg_bin_dir)."""
    with running_desk(require_current_schema=False) as app:
        restored = restore_desk(app, file)
        label = app.database_label
    manifest = restored.manifest
    say(
        f"Restored the backup of {manifest.created_at:%Y-%m-%d %H:%M} UTC (tierdesk "
        f"{manifest.desk_version}) into {label}: {len(manifest.data_files)} files."
    )
    if restored.needs_upgrade:
        say(
            "The backup's schema is older than this tierdesk's: run `tierdesk db upgrade` "
            "before starting the desk."
        )
    else:
        say("Check it with `tierdesk db check`, then start the desk.")
