"""Reading a Zendesk export's files: Admin Center NDJSON, and the API's pages a script saved."""

from __future__ import annotations

import json
from pathlib import Path

from tests.zendesk_export import FIXTURE
from tierdesk.adapters.importers.zendesk import ZendeskExport
from tierdesk.domain.imports import ImportedTicket, RecordKind


def test_the_fixture_export_reads_every_line_and_names_the_bad_ones() -> None:
    rows = list(ZendeskExport(FIXTURE).rows(RecordKind.TICKET))

    assert [r.source_id for r in rows] == ["501", "502", "503", "504", "505", None, "507"]
    assert [r.where for r in rows if r.problem] == ["tickets.json line 6", "tickets.json line 7"]
    assert [r.skip for r in rows if r.skip] == ["deleted in Zendesk"]


def test_api_pages_and_wrapped_objects_are_read_like_plain_lines(tmp_path: Path) -> None:
    plain = [json.loads(line) for line in (FIXTURE / "tickets.json").read_text().splitlines()[:3]]
    for name in ("organizations.json", "users.json"):
        (tmp_path / name).write_text((FIXTURE / name).read_text("utf-8"), "utf-8")
    lines = [
        json.dumps({"tickets": plain[:2], "next_page": None, "count": 2}),
        json.dumps({"ticket": plain[2]}),
    ]
    (tmp_path / "tickets.json").write_text("\n".join(lines) + "\n", "utf-8")

    rows = list(ZendeskExport(tmp_path).rows(RecordKind.TICKET))

    assert [r.source_id for r in rows] == ["501", "502", "503"]
    assert all(isinstance(r.record, ImportedTicket) for r in rows)
