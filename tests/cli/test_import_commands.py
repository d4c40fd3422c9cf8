"""``tierdesk import zendesk``: the report, the JSON report, a dry run, and clear failures."""

from __future__ import annotations

import json
import mailbox
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

    result = tierdesk(
        "import", "zendesk", str(export), "--batch", "2", "--report", str(report),
        "--allow-private-hosts",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Import finished." in result.stdout
    assert "tickets.json line 6: not valid JSON" in result.stdout
    assert "Attachments: 1 fetched, 1 missing." in result.stdout
    data = json.loads(report.read_text("utf-8"))
    assert data["counts"]["ticket"] == {"created": 4, "updated": 0, "skipped": 1, "failed": 2}
    assert data["searchable_tickets"] == 4


def test_an_export_cannot_make_the_import_fetch_from_this_machine_unless_allowed(
    tierdesk: Invoke, export: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"

    result = tierdesk("import", "zendesk", str(export), "--report", str(report))

    assert result.exit_code == 0, result.output
    assert "Attachments: 0 fetched, 2 missing." in result.stdout
    missing = json.loads(report.read_text("utf-8"))["attachments"]["missing"]
    assert any("not a public address" in m["reason"] for m in missing), missing


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


def test_a_csv_file_is_imported_by_its_mapping_and_a_bad_row_reported(
    tierdesk: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(
        "id,title,opened,state,who\n"
        "1,VPN drops,2023-01-02T09:00:00Z,open,ann@acme.example\n"
        "2,Odd one,2023-01-03T09:00:00Z,waiting,bob@acme.example\n",
        "utf-8",
    )
    (tmp_path / "map.toml").write_text('id = "key"\ntitle = "subject"\n', "utf-8")
    report = tmp_path / "report.json"

    result = tierdesk(
        "import", "csv", str(path), "--map-file", str(tmp_path / "map.toml"),
        "--map", "opened=created", "--map", "state=status", "--map", "who=requester_email",
        "--report", str(report),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "tickets.csv line 3: status 'waiting' is not one of the desk's" in result.stdout
    data = json.loads(report.read_text("utf-8"))
    assert data["system"] == "csv:tickets"
    assert data["counts"]["ticket"] == {"created": 1, "updated": 0, "skipped": 0, "failed": 1}


def test_a_csv_mapping_naming_a_missing_column_or_field_fails_with_a_clear_error(
    tierdesk: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text("id,title,opened\n1,VPN,2023-01-02\n", "utf-8")
    base = ("import", "csv", str(path), "--map", "id=key", "--map", "opened=created")

    no_column = tierdesk(*base, "--map", "subject=subject")
    no_field = tierdesk(*base, "--map", "title=headline")
    no_file = tierdesk("import", "csv", str(tmp_path / "none.csv"), "--map", "id=key")
    fixed = tierdesk(*base, "--map", "title=subject", "--report", str(tmp_path / "r.json"))

    assert no_column.exit_code == 1
    assert "tickets.csv has no column 'subject'" in no_column.stderr
    assert no_field.exit_code == 1
    assert "'headline' is not a field" in no_field.stderr
    assert no_file.exit_code == 1
    assert "no such file" in no_file.stderr
    assert fixed.exit_code == 0, fixed.output
    did = json.loads((tmp_path / "r.json").read_text("utf-8"))["counts"]["ticket"]
    assert did["created"] == 1  # the refused runs stored nothing of it


def test_an_mbox_is_imported_and_an_unreadable_one_is_a_clear_error(
    tierdesk: Invoke, tmp_path: Path
) -> None:
    box = mailbox.mbox(tmp_path / "support.mbox")
    box.add(
        b"From: ann@acme.example\r\nTo: support@desk.example\r\nSubject: Router down\r\n"
        b"Date: Mon, 02 Jan 2023 09:00:00 +0000\r\nMessage-ID: <m1@acme.example>\r\n\r\n"
        b"The router is down.\r\n"
    )
    box.close()
    (tmp_path / "broken.mbox").write_bytes(b"\x00\x01 not mail")

    result = tierdesk("import", "mbox", str(tmp_path / "support.mbox"))
    dry = tmp_path / "dry.json"
    again = tierdesk(
        "import", "mbox", str(tmp_path / "support.mbox"), "--dry-run", "--report", str(dry)
    )
    broken = tierdesk("import", "mbox", str(tmp_path / "broken.mbox"))
    missing = tierdesk("import", "mbox", str(tmp_path / "nowhere"))

    assert result.exit_code == 0, result.output
    assert "Import finished." in result.stdout
    assert again.exit_code == 0, again.output
    would = json.loads(dry.read_text("utf-8"))["counts"]["ticket"]
    assert would == {"created": 0, "updated": 0, "skipped": 1, "failed": 0}
    assert broken.exit_code == 1
    assert "is not an mbox file" in broken.stderr
    assert missing.exit_code == 1
    assert "no such file or directory" in missing.stderr
