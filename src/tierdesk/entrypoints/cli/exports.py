"""``tierdesk export DIR`` and ``tierdesk import tierdesk DIR``: the whole desk as documented
NDJSON (docs/export.md) and back into an empty desk (services/exports.py, exported_desks.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierdesk import __version__
from tierdesk.entrypoints.cli.imports import ReportOption, counted_bar, finish_run, import_app
from tierdesk.entrypoints.cli.wiring import render_table, running_desk, say
from tierdesk.services import exported_desks, exports
from tierdesk.services.auth import SYSTEM


def export(
    directory: Annotated[Path, typer.Argument(help="An empty or new directory to write to.")],
) -> None:
    """Export everything the desk holds as NDJSON (docs/export.md); no passwords or tokens."""
    with running_desk() as app, counted_bar("Exporting") as progress:
        manifest = exports.export_desk(app.desk, SYSTEM, directory, __version__, progress)
    rows = [[name, str(entry["count"])] for name, entry in manifest["files"].items()]
    rows.append([exports.ATTACHMENTS + "/", str(manifest["attachments"]["count"])])
    say(f"Exported to {directory} (export {manifest['export_id']}).")
    say(render_table(["file", "records"], rows))


@import_app.command("tierdesk")
def tierdesk(
    directory: Annotated[Path, typer.Argument(help="A directory `tierdesk export` wrote.")],
    batch: Annotated[int, typer.Option(help="Lines stored per transaction.")] = 200,
    train: Annotated[
        bool, typer.Option("--train", help="Train triage now and report its figures.")
    ] = False,
    report: ReportOption = None,
) -> None:
    """Import a tierdesk export into an empty desk, losslessly; safe to run again."""
    with running_desk() as app:
        with counted_bar("Importing") as progress:
            result = exported_desks.import_export(app.desk, SYSTEM, directory, batch, progress)
        finish_run(app, result, train, report)
