"""``tierdesk export DIR`` and ``tierdesk import tierdesk DIR``: what they print and their exit
codes (the round trip itself is tests/services/test_export*.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, environment, invoker
from tests.factories import make_ticket
from tests.services.export_desks import second_desk
from tierdesk.adapters.clock import FixedClock
from tierdesk.config import Settings
from tierdesk.services.desk import Desk


def test_an_export_is_imported_into_an_empty_desk_and_reports_what_is_searchable(
    request: pytest.FixtureRequest,
    tierdesk: Invoke,
    desk: Desk,
    settings: Settings,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    make_ticket(desk, subject="Calls drop after 32 seconds")
    make_ticket(desk, subject="Voicemail greeting is silent")
    directory = tmp_path / "export"

    exported = tierdesk("export", str(directory))

    assert exported.exit_code == 0, exported.output
    assert f"Exported to {directory}" in exported.stdout
    assert json.loads((directory / "manifest.json").read_text("utf-8"))["files"]["tickets"] == {
        "file": "tickets.ndjson",
        "count": 2,
    }
    with second_desk(request, settings, clock, tmp_path / "second") as copy:
        other = invoker(environment(str(copy.settings.data_dir), copy.settings.database))
        imported = other("import", "tierdesk", str(directory), "--train")
        repeated = other("import", "tierdesk", str(directory))

    assert imported.exit_code == 0, imported.output
    assert "Import finished." in imported.stdout
    assert "Searchable tickets: 2." in imported.stdout
    # --train: two tickets teach nothing, and the report says so rather than nothing.
    assert "Triage trained on the desk's history" in imported.stdout
    assert "no field had enough labelled tickets to train." in imported.stdout
    assert repeated.exit_code == 0, repeated.output
    tickets_row = next(line for line in repeated.stdout.splitlines() if line.startswith("tickets"))
    assert tickets_row.split() == ["tickets", "0", "0", "2", "0"]  # created updated skipped failed


def test_importing_into_a_desk_with_tickets_fails_with_a_clear_error(
    tierdesk: Invoke, desk: Desk, tmp_path: Path
) -> None:
    make_ticket(desk)
    directory = tmp_path / "export"
    assert tierdesk("export", str(directory)).exit_code == 0

    result = tierdesk("import", "tierdesk", str(directory))

    assert result.exit_code == 1
    assert "Error: this desk is not empty (1 tickets" in result.stderr


def test_exporting_over_an_export_and_importing_a_directory_without_one_fail(
    tierdesk: Invoke, tmp_path: Path
) -> None:
    directory = tmp_path / "export"
    assert tierdesk("export", str(directory)).exit_code == 0

    again = tierdesk("export", str(directory))
    nothing = tierdesk("import", "tierdesk", str(tmp_path))

    assert again.exit_code == 1
    assert "already holds an export" in again.stderr
    assert nothing.exit_code == 1
    assert "a tierdesk export?" in nothing.stderr
