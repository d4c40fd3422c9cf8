"""Copies of the database for ``tierdesk backup`` and ``restore``, one way per engine.

SQLite: the online backup API (``sqlite3.Connection.backup``) in one step, which reads the whole
database inside one read transaction: a snapshot as of one commit, taken while the desk keeps
writing (WAL lets writers go on; they never wait for the copy). PostgreSQL: ``pg_dump`` in its
custom format (one consistent snapshot too) and ``pg_restore``; both come from
``db.pg_bin_dir`` or the PATH, and must be of the server's major version or newer."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from tierdesk.errors import ConfigurationError

POSTGRES_HOW_TO = (
    "back up PostgreSQL with pg_dump yourself (pg_dump --format=custom DBNAME > desk.pgdump, "
    "plus a copy of the data directory), or install the PostgreSQL client tools of the "
    "server's version and put them on PATH or in TIERDESK_DB__PG_BIN_DIR"
)


def copy_sqlite(path: Path, target: Path) -> None:
    """A consistent copy of the SQLite file at ``path`` written to ``target`` (a new file)."""
    source = sqlite3.connect(path, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # pages=-1: all pages in one step, one read transaction
            # a standalone file (no -wal beside it); the desk turns WAL back on when it opens it
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()


def table_names(engine: Engine) -> list[str]:
    """The tables of the database (the public schema on PostgreSQL); none for an empty one."""
    return sorted(inspect(engine).get_table_names())


def pg_tool(name: str, bin_dir: Path | None) -> str:
    """The path of ``pg_dump`` or ``pg_restore``; refused with what to do when there is none."""
    if bin_dir is not None:
        candidate = bin_dir / name
        if not candidate.is_file():
            raise ConfigurationError(f"no {name} in db.pg_bin_dir ({bin_dir}); {POSTGRES_HOW_TO}")
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(f"{name} is not on PATH; {POSTGRES_HOW_TO}")
    return found


def dump_postgres(url: URL, target: Path, bin_dir: Path | None) -> None:
    _run(
        pg_tool("pg_dump", bin_dir),
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        url,
    )


def restore_postgres(url: URL, dump: Path, bin_dir: Path | None) -> None:
    """Everything in ``dump`` into the (empty) database at ``url``, in one transaction: a
    failure leaves the database as empty as it was."""
    _run(
        pg_tool("pg_restore", bin_dir),
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(dump)],
        url,
    )


def _run(tool: str, arguments: list[str], url: URL) -> None:
    # libpq reads the URL but not the psycopg driver name; the password goes in the
    # environment, never on the command line where other users' `ps` would show it
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    # the tool is the configured or PATH's pg_dump/pg_restore, and every argument is ours
    result = subprocess.run(  # noqa: S603
        [tool, *arguments, f"--dbname={conninfo}"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-3:]
        raise ConfigurationError(
            f"{Path(tool).name} failed (exit {result.returncode}): " + " / ".join(detail)
        )
