"""Backing up, restoring and checking a whole desk: the database and the data directory's files.

Wiring beside ``bootstrap.py`` (it reaches the database and archive adapters, which entry
points may not). What goes in a backup: one consistent copy of the database (SQLite's online
backup API, or ``pg_dump``), then every file under the data directory but the SQLite files
themselves, half-written files and caches. The database is copied first: a file is stored
before the row naming it is committed, and stored files are never changed or deleted, so every
file the copied database names is already on disk when the files are read."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import tierdesk
from tierdesk.adapters.backup_archive import ArchiveWriter, unpack_archive
from tierdesk.adapters.db.checks import check_database
from tierdesk.adapters.db.copies import copy_sqlite, dump_postgres, restore_postgres, table_names
from tierdesk.adapters.db.engine import current_revisions, known_revision
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.backups import DATABASE_PREFIX, FILES_PREFIX, DeskCheck, Manifest
from tierdesk.errors import ConfigurationError, InvalidInputError

# Directories under the data directory that rebuild themselves and are left out of backups.
# prometheus-multiproc: the metrics files `serve --workers` empties at every start; vectors: the
# approximate search's saved graph (adapters/search/graph.py), rebuilt from the database
SKIPPED_DIRECTORIES = frozenset({"cache", "tmp", "prometheus-multiproc", "vectors"})
_SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal")
_SCRATCH_PREFIX = ".restore-"


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    needs_upgrade: bool


def backup_desk(app: Tierdesk, target: Path) -> Manifest:
    """Write the desk's backup archive to ``target`` (which must not exist yet)."""
    target = target.resolve()
    if target.exists():
        raise InvalidInputError(f"{target} already exists; name a new file")
    if not target.parent.is_dir():
        raise InvalidInputError(f"no directory {target.parent} to write the backup in")
    engine = app.engine.dialect.name
    if not table_names(app.engine):
        raise ConfigurationError(f"the database {app.database_label} is empty: nothing to back up")
    revisions = tuple(current_revisions(app.engine))
    with (
        tempfile.TemporaryDirectory(dir=target.parent, prefix=".tierdesk-backup-") as scratch,
        ArchiveWriter(target) as archive,
    ):
        copy = Path(scratch) / "database"
        if engine == "sqlite":
            copy_sqlite(_sqlite_file(app), copy)
            archive.add(DATABASE_PREFIX + "tierdesk.sqlite3", copy)
        else:
            dump_postgres(app.engine.url, copy, app.settings.db.pg_bin_dir)
            archive.add(DATABASE_PREFIX + "tierdesk.pgdump", copy)
        data_dir = app.settings.data_dir.resolve()
        for path in _data_files(data_dir, app, {target, archive.partial, Path(scratch)}):
            archive.add(FILES_PREFIX + path.relative_to(data_dir).as_posix(), path)
        manifest = Manifest(
            desk_version=tierdesk.__version__,
            schema_revisions=revisions,
            engine=engine,
            created_at=app.desk.clock.now(),
            files=tuple(archive.files),
        )
        archive.finish(manifest)
    return manifest


def restore_desk(app: Tierdesk, source: Path) -> Restored:
    """Restore the backup at ``source`` into this desk's empty database and data directory.
    Refused, with nothing changed, when either holds anything, when the archive does not match
    its manifest, or when it is of the other engine or of a newer tierdesk."""
    data_dir = app.settings.data_dir.resolve()
    _refuse_unless_empty(app, data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=data_dir, prefix=_SCRATCH_PREFIX))
    try:
        manifest = unpack_archive(source.resolve(), scratch)
        engine = app.engine.dialect.name
        if manifest.engine != engine:
            raise ConfigurationError(
                f"the backup is of a {manifest.engine} desk and this desk runs on {engine}; "
                f"restore it into a {manifest.engine} database"
            )
        unknown = [r for r in manifest.schema_revisions if not known_revision(app.engine, r)]
        if unknown:
            raise ConfigurationError(
                f"the backup was made by a newer tierdesk ({manifest.desk_version}, schema "
                f"{', '.join(unknown)}); restore it with that version or a later one"
            )
        database = scratch / manifest.database_file.name
        if engine == "sqlite":
            path = _sqlite_file(app)
            app.close()  # no pooled connection may keep the empty file open
            for sidecar in _SQLITE_SIDECARS:
                path.with_name(path.name + sidecar).unlink(missing_ok=True)
            shutil.move(database, path)
        else:
            restore_postgres(app.engine.url, database, app.settings.db.pg_bin_dir)
        for entry in manifest.data_files:
            destination = data_dir / entry.name.removeprefix(FILES_PREFIX)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(scratch / entry.name, destination)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Restored(manifest, app.needs_upgrade())


def check_desk(app: Tierdesk) -> DeskCheck:
    """Is the desk whole: schema current, database sound, every stored file present?"""
    report = DeskCheck()
    revisions = ", ".join(current_revisions(app.engine)) or "none"
    if app.needs_upgrade():
        report.problems.append(
            f"schema at {revisions}, older than this tierdesk's: run `tierdesk db upgrade`"
        )
    else:
        report.facts.append(f"schema: current ({revisions})")
    check_database(app.engine, app.settings.attachments_dir, report)
    return report


def _sqlite_file(app: Tierdesk) -> Path:
    path = app.sqlite_path
    if path is None:
        raise ConfigurationError("an in-memory SQLite database cannot be backed up or restored")
    return path.resolve()


def _database_files(app: Tierdesk) -> set[Path]:
    path = app.sqlite_path
    if path is None:
        return set()
    path = path.resolve()
    # "-writer": the writers' turn between processes (adapters/db/writer_queue.py), an empty
    # file that is never restored or deleted (a running process may hold its lock)
    return {path.with_name(path.name + sidecar) for sidecar in (*_SQLITE_SIDECARS, "-writer")}


def _data_files(data_dir: Path, app: Tierdesk, leave_out: set[Path]) -> Iterator[Path]:
    """Every regular file under the data directory that belongs in a backup, in a stable order."""
    skipped = _database_files(app) | leave_out
    for directory, subdirectories, names in os.walk(data_dir):
        here = Path(directory)
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if d not in SKIPPED_DIRECTORIES
            and not d.startswith(_SCRATCH_PREFIX)
            and here / d not in skipped
        )
        for name in sorted(names):
            path = here / name
            # ".incoming-" files are attachments being written (adapters/files.py)
            if name.startswith(".incoming-") or path in skipped or not path.is_file():
                continue
            if path.is_symlink():
                continue
            yield path


def _refuse_unless_empty(app: Tierdesk, data_dir: Path) -> None:
    tables = table_names(app.engine)
    if tables:
        raise ConfigurationError(
            f"the database {app.database_label} is not empty ({len(tables)} tables); restore "
            "only into an empty database (a new data directory, or a newly created PostgreSQL "
            "database), before `tierdesk db upgrade`"
        )
    database_files = _database_files(app)
    if data_dir.is_dir():
        present = [p for p in data_dir.iterdir() if p.resolve() not in database_files]
        if present:
            raise ConfigurationError(
                f"the data directory {data_dir} is not empty ({present[0].name}, …); restore "
                "only into an empty data directory"
            )
