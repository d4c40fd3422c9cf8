"""A second, empty desk on the same engine as the test's, for export round trips."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings


@contextmanager
def second_desk(
    request: pytest.FixtureRequest, settings: Settings, clock: FixedClock, where: Path
) -> Iterator[Tierdesk]:
    """A fresh migrated desk (database and data directory) beside the test's own."""
    url = make_url(settings.database)
    if url.get_backend_name() == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        where.mkdir(parents=True, exist_ok=True)
        target = where / "second.db"
        shutil.copyfile(template, target)
        with _desk(settings, f"sqlite:///{target}", clock, where) as app:
            yield app
        return
    server: URL = request.getfixturevalue("postgres_server_url")
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"tierdesk_second_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    try:
        second = server.set(database=name).render_as_string(hide_password=False)
        with _desk(settings, second, clock, where) as app:
            yield app
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _desk(settings: Settings, url: str, clock: FixedClock, where: Path) -> Iterator[Tierdesk]:
    changed = settings.model_copy(update={"database_url": url, "data_dir": where / "data"})
    app = bootstrap(changed, clock=clock)
    try:
        yield app
    finally:
        app.close()
