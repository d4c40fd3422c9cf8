"""Fixtures for CLI tests: the Typer app run in-process with CliRunner, pointed by environment
variables at the test's database and data directory (the same ones ``app`` and ``desk`` use)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from tierdesk.config import Settings
from tierdesk.entrypoints.cli import cli

Invoke = Callable[..., Result]


def environment(data_dir: str, database_url: str) -> dict[str, str | None]:
    """Only what the test sets: any TIERDESK_* variable of the surrounding shell is removed."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("TIERDESK_")}
    env.update(TIERDESK_DATA_DIR=data_dir, TIERDESK_DATABASE_URL=database_url, TIERDESK_ENV="test")
    # Word hashing instead of the multilingual model (tests/search uses the real one).
    env["TIERDESK_SEARCH__EMBEDDER"] = "hashing"
    return env


def invoker(env: dict[str, str | None]) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), env=env, input=input)

    return invoke


@pytest.fixture
def tierdesk(settings: Settings) -> Invoke:
    """``tierdesk(*args)`` runs the CLI against the migrated test database."""
    return invoker(environment(str(settings.data_dir), settings.database))
