"""``tierdesk import``: bring another desk's history in (services/imports.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tierdesk.domain.imports import ImportReport, Outcome
from tierdesk.domain.knowledge import DocumentKind
from tierdesk.entrypoints.cli.wiring import note, render_table, running_desk, say
from tierdesk.services import imports, search
from tierdesk.services.auth import SYSTEM

import_app = typer.Typer(help="Import another desk's history.", no_args_is_help=True)

_SHOWN_PROBLEMS = 20  # the rest are in --report


@import_app.command("zendesk")
def zendesk(
    directory: Annotated[
        Path,
        typer.Argument(help="Zendesk's JSON export: tickets.json, users.json, organizations.json."),
    ],
    batch: Annotated[int, typer.Option(help="Rows stored per transaction.")] = 200,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check everything; store nothing.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option(help="Also write the final report as JSON to this file.")
    ] = None,
) -> None:
    """Import a Zendesk export; safe to run again (it resumes, updates, adds nothing twice)."""
    with running_desk() as app:
        source = app.import_source("zendesk", directory)
        options = imports.ImportOptions(batch=batch, dry_run=dry_run)
        with typer.progressbar(length=1, label="Importing", file=sys.stderr) as bar:
            shown = 0

            def progress(done: int, total: int) -> None:
                nonlocal shown
                bar.length = max(total, 1)
                bar.update(done - shown)
                shown = done

            result = imports.import_history(
                app.desk, SYSTEM, source, app.fetch_attachment, options, progress
            )
        # Embedding the index (every ticket and manual section, once) is the slow part after a
        # large import: its own bar, counted in documents.
        sizes = search.index_size(app.desk) if app.desk.search is not None else {}
        documents = sum(sizes.values()) - sizes.get(str(DocumentKind.DOCUMENT), 0)
        with typer.progressbar(length=max(documents, 1), label="Indexing", file=sys.stderr) as bar:
            imports.finish_import(app.desk, result, progress=bar.update)
    say(describe(result))
    if report is not None:
        report.write_text(
            json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
        note(f"Report written to {report}")
    if result.total(Outcome.FAILED):
        note(f"{result.total(Outcome.FAILED)} rows failed and were skipped (see above).")


def describe(result: ImportReport) -> str:
    data = result.as_dict()
    rows = [
        [kind, *(str(counts[str(o)]) for o in Outcome)] for kind, counts in data["counts"].items()
    ]
    lines = ["Dry run: nothing was stored." if result.dry_run else "Import finished."]
    lines.append(render_table(["records", *(str(o) for o in Outcome)], rows))
    problems = data["problems"]
    for problem in problems[:_SHOWN_PROBLEMS]:
        lines.append(f"  {problem['outcome']}: {problem['where']}: {problem['reason']}")
    if len(problems) > _SHOWN_PROBLEMS:
        lines.append(f"  … and {len(problems) - _SHOWN_PROBLEMS} more (--report FILE lists all)")
    missing = result.missing_attachments
    lines.append(f"Attachments: {result.attachments_fetched} fetched, {len(missing)} missing.")
    for item in missing[:_SHOWN_PROBLEMS]:
        lines.append(f"  missing: ticket {item.ticket_source_id}: {item.filename} ({item.reason})")
    if result.searchable_tickets is not None:
        lines.append(f"Searchable tickets: {result.searchable_tickets}.")
    if result.training_queued:
        lines.append("Triage training is queued on the imported history.")
    return "\n".join(lines)
