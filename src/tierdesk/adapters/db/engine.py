"""Engines and migrations for both supported databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from tierdesk.adapters.db.writer_queue import WriterQueue
from tierdesk.errors import ConfigurationError, InvalidInputError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


# Connections beyond ``pool_size`` for the threads that are not requests: the job runner beside
# the web server, mail pollers, a CLI command's own work.
BACKGROUND_CONNECTIONS = 10
# How long a writer waits for SQLite's lock (busy_timeout) before giving up with "locked".
SQLITE_BUSY_SECONDS = 30


def make_engine(url: str, *, echo: bool = False, pool_size: int = 20) -> Engine:
    """An engine whose pool keeps ``pool_size`` connections. The web server works on at most
    that many requests at once (``entrypoints/web/app.py``) and a request holds at most one
    connection (a second for a moment after reference data changed: ``reference_versions.
    committed``), so requests never wait for the pool; the background threads have
    ``BACKGROUND_CONNECTIONS`` more."""
    parsed = make_url(url)
    pool = {"pool_size": pool_size, "max_overflow": BACKGROUND_CONNECTIONS}
    if parsed.get_backend_name() == "sqlite":
        in_file = bool(parsed.database) and parsed.database != ":memory:"
        if in_file:
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
        else:
            pool = {}  # one in-memory database per connection: SQLAlchemy picks its own pool
        connect_args = {"timeout": SQLITE_BUSY_SECONDS}
        engine = create_engine(url, echo=echo, connect_args=connect_args, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        if in_file:
            # writers take turns (threads of this process, then processes) instead of sleeping
            # in SQLite's busy handler (adapters/db/writer_queue.py), as long as SQLite waits
            WriterQueue(SQLITE_BUSY_SECONDS, Path(str(parsed.database))).install(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, echo=echo, pool_pre_ping=True, **pool)
    raise ConfigurationError(
        f"unsupported database {parsed.get_backend_name()!r}; use sqlite or postgresql+psycopg"
    )


# SQLite reports a malformed statement as an OperationalError too: that is a bug in a query, not
# a database that went away.
_SQLITE_QUERY_BUGS = ("syntax error", "no such column", "no such function", 'near "')


def is_database_unavailable(error: BaseException) -> bool:
    """The database could not be reached, opened or used just now (server down, database
    dropped, file gone, locked, out of pool connections): worth trying again later, as
    opposed to a bug in a query."""
    if isinstance(error, PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, InterfaceError):
        return True
    if isinstance(error, OperationalError):
        return not any(bug in str(error.orig) for bug in _SQLITE_QUERY_BUGS)
    return False


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the web server read while a worker writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


@contextmanager
def without_fsync(engine: Engine) -> Iterator[None]:
    """On SQLite, connections opened inside the block skip fsync (``PRAGMA synchronous=OFF``).

    Only for loads that are rebuilt from a script when they fail, such as ``tierdesk demo``: a
    crash or power cut during the block can lose or corrupt the file. The pool is emptied on the
    way in and out, so no connection of the running desk ever keeps the setting. Other databases
    are left as they are."""
    if engine.url.get_backend_name() != "sqlite":
        yield
        return
    event.listen(engine, "connect", _skip_fsync)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "connect", _skip_fsync)
        engine.dispose()


def _skip_fsync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine, revision: str = "heads") -> None:
    command.upgrade(alembic_config(engine), revision)


def pending_migrations(engine: Engine) -> bool:
    """True when the database is not at the newest schema (or is empty)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) != set(script.get_heads())


def current_revisions(engine: Engine) -> list[str]:
    """The revisions the database is at (none when it is empty)."""
    with engine.connect() as connection:
        return sorted(MigrationContext.configure(connection).get_current_heads())


def migration_history(engine: Engine) -> list[tuple[str, str, bool]]:
    """Every migration, newest first: (revision, what it does, whether it is a head)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    heads = set(script.get_heads())
    return [
        (revision.revision, (revision.doc or "").strip(), revision.revision in heads)
        for revision in script.walk_revisions()
    ]


def downgrade_database(engine: Engine, revision: str) -> None:
    try:
        command.downgrade(alembic_config(engine), revision)
    except CommandError as exc:  # an unknown revision, or one above the current
        raise InvalidInputError(f"cannot downgrade to {revision!r}: {exc}") from exc


def known_revision(engine: Engine, revision: str) -> bool:
    """True when ``revision`` is one of this code's migrations."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False
