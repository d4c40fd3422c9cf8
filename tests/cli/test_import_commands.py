"""``tierdesk import zendesk``: the report, the JSON report, a dry run, and clear failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.zendesk_export import served_export


@pytest.fixture
def export(tmp_path: Path) -> Iterator[Path]:
    with served_export(tmp_path) as directory:
        yield directory


def test_importing_prints_the_report_and_writes_it_as_json(
    tierdesk: Invoke, export: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"

    result = tierdesk("import", "zendesk", str(export), "--batch", "2", "--report", str(report))

    assert result.exit_code == 0, result.output
    assert "Import finished." in result.stdout
    assert "tickets.json line 6: not valid JSON" in result.stdout
    assert "Attachments: 1 fetched, 1 missing." in result.stdout
    data = json.loads(report.read_text("utf-8"))
    assert data["counts"]["ticket"] == {"created": 4, "updated": 0, "skipped": 1, "failed": 2}
    assert data["searchable_tickets"] == 4


def test_a_dry_run_stores_nothing(tierdesk: Invoke, export: Path) -> None:
    dry = tierdesk("import", "zendesk", str(export), "--dry-run", "--report", str(export / "d"))
    real = tierdesk("import", "zendesk", str(export), "--report", str(export / "r"))

    assert dry.exit_code == 0, dry.output
    assert real.exit_code == 0, real.output
    assert "Dry run: nothing was stored." in dry.stdout
    would = json.loads((export / "d").read_text("utf-8"))["counts"]
    did = json.loads((export / "r").read_text("utf-8"))["counts"]
    assert would["ticket"] == {"created": 4, "updated": 0, "skipped": 1, "failed": 2}
    assert (would["contact"]["created"], would["agent"]["created"]) == (4, 2)
    assert did["ticket"]["created"] == 4  # the dry run stored none of them


def test_a_missing_directory_or_file_is_a_clear_error(tierdesk: Invoke, tmp_path: Path) -> None:
    missing = tierdesk("import", "zendesk", str(tmp_path / "nowhere"))
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "tickets.json").write_text("", "utf-8")
    partial = tierdesk("import", "zendesk", str(tmp_path / "partial"))

    assert missing.exit_code == 1
    assert "no such directory" in missing.stderr
    assert partial.exit_code == 1
    assert "organizations.json, users.json missing" in partial.stderr
