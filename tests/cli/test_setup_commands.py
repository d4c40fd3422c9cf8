"""db upgrade, serve and demo, as far as they can be run without building the demo world."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, environment, invoker
from tests.factories import make_agent
from tierdesk.services import people
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def test_db_upgrade_creates_the_schema_in_an_empty_data_directory(
    tmp_path: Path, empty_database_url: str
) -> None:
    tierdesk = invoker(environment(str(tmp_path / "data"), empty_database_url))

    refused = tierdesk("agent", "list")
    assert refused.exit_code == 1
    assert "Error:" in refused.stderr
    assert "tierdesk db upgrade" in refused.stderr

    first = tierdesk("db", "upgrade")
    assert first.exit_code == 0, first.output
    assert "upgraded" in first.stdout

    again = tierdesk("db", "upgrade")
    assert again.exit_code == 0
    assert "already up to date" in again.stdout
    assert tierdesk("agent", "list").exit_code == 0


def test_serve_refuses_a_database_that_needs_migrating(
    tmp_path: Path, empty_database_url: str
) -> None:
    tierdesk = invoker(environment(str(tmp_path / "data"), empty_database_url))

    result = tierdesk("serve", "--port", "8765")

    assert result.exit_code == 1
    assert "run `tierdesk db upgrade`" in result.stderr


def test_demo_leaves_a_desk_that_already_holds_data_alone(tierdesk: Invoke, desk: Desk) -> None:
    make_agent(desk)

    result = tierdesk("demo")

    assert result.exit_code == 0, result.output
    assert "already holds data" in result.stdout
    assert "--force" in result.stdout


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_demo_force_is_refused_on_postgresql(tierdesk: Invoke, desk: Desk) -> None:
    make_agent(desk)

    result = tierdesk("demo", "--force")

    assert result.exit_code == 1
    assert "Error: --force only resets a SQLite database" in result.stderr
    assert len(people.list_agents(desk, SYSTEM)) == 1


def test_invalid_settings_are_reported_in_one_line(tmp_path: Path) -> None:
    env = environment(str(tmp_path / "data"), "sqlite:///" + str(tmp_path / "x.db"))
    env["TIERDESK_TICKET_PREFIX"] = "not a prefix"

    result = invoker(env)("agent", "list")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: invalid settings: TIERDESK_TICKET_PREFIX")


def test_python_dash_m_tierdesk_shows_the_commands(tierdesk: Invoke) -> None:
    result = tierdesk("--help")

    assert result.exit_code == 0
    for command in ("serve", "demo", "db", "agent", "contact", "org", "token", "ticket"):
        assert command in result.stdout


def test_an_unreachable_database_is_one_error_line_without_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://desk:s3cret@127.0.0.1:1/tierdesk"
    tierdesk = invoker(environment(str(tmp_path / "data"), url))

    result = tierdesk("agent", "list")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot open the database")
    assert "s3cret" not in result.stderr
