"""``tierdesk import``: bring another desk's history in (services/imports.py)."""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.csv_rows import RowShape
from tierdesk.domain.imports import ImportReport, Outcome
from tierdesk.domain.knowledge import DocumentKind
from tierdesk.entrypoints.cli.wiring import note, render_table, running_desk, say
from tierdesk.errors import InvalidInputError
from tierdesk.ports.imports import AttachmentFetcher, ImportSource
from tierdesk.services import imports, search
from tierdesk.services.auth import SYSTEM

import_app = typer.Typer(help="Import another desk's history.", no_args_is_help=True)

_SHOWN_PROBLEMS = 20  # the rest are in --report

ReportOption = Annotated[
    Path | None, typer.Option(help="Also write the final report as JSON to this file.")
]
PrivateHostsOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-hosts",
        help="Also fetch attachments from loopback or private addresses (an old desk on this "
        "machine or its LAN); refused by default.",
    ),
]


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
    train: Annotated[
        bool, typer.Option("--train", help="Train triage now and report its figures.")
    ] = False,
    report: ReportOption = None,
    allow_private_hosts: PrivateHostsOption = False,
) -> None:
    """Import a Zendesk export; safe to run again (it resumes, updates, adds nothing twice)."""
    with running_desk() as app:
        source = app.import_source("zendesk", directory)
        result = _run(
            app, source, app.attachment_fetcher(allow_private=allow_private_hosts), batch, dry_run
        )
        finish_run(app, result, train, report)


@import_app.command("csv")
def csv_file(
    file: Annotated[Path, typer.Argument(help="A CSV file, UTF-8 (with or without BOM).")],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=FIELD (repeatable); fields: key, subject, body, ..."),
    ] = None,
    map_file: Annotated[
        Path | None, typer.Option(help="The mapping as a JSON or TOML table of COLUMN = FIELD.")
    ] = None,
    rows: Annotated[
        RowShape, typer.Option(help="One ticket per row, or one message per row by ticket key.")
    ] = RowShape.TICKETS,
    source: Annotated[
        str | None, typer.Option(help="The source's name for its ids (default csv:<file stem>).")
    ] = None,
    date_format: Annotated[
        str | None, typer.Option(help="strptime format of the times (default ISO 8601).")
    ] = None,
    tag_separator: Annotated[str, typer.Option(help="What separates tags in a cell.")] = ",",
    batch: Annotated[int, typer.Option(help="Rows stored per transaction.")] = 200,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check everything; store nothing.")
    ] = False,
    train: Annotated[
        bool, typer.Option("--train", help="Train triage now and report its figures.")
    ] = False,
    report: ReportOption = None,
    allow_private_hosts: PrivateHostsOption = False,
) -> None:
    """Import tickets (or messages) from a CSV file; safe to run again."""
    mapping = _mapping(map_ or [], map_file)
    with running_desk() as app:
        csv_source = app.csv_source(
            file,
            mapping,
            shape=rows,
            system=source,
            date_format=date_format,
            tag_separator=tag_separator,
            agent_addresses=imports.agent_addresses(app.desk),
        )
        result = _run(
            app,
            csv_source,
            app.attachment_fetcher(allow_private=allow_private_hosts),
            batch,
            dry_run,
        )
        finish_run(app, result, train, report)


@import_app.command("mbox")
def mbox(
    path: Annotated[Path, typer.Argument(help="An mbox file or a Maildir directory.")],
    source: Annotated[
        str | None, typer.Option(help="The source's name for its ids (default mbox:<name>).")
    ] = None,
    batch: Annotated[int, typer.Option(help="Threads stored per transaction.")] = 200,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check everything; store nothing.")
    ] = False,
    train: Annotated[
        bool, typer.Option("--train", help="Train triage now and report its figures.")
    ] = False,
    report: ReportOption = None,
) -> None:
    """Import a mail archive, threaded as live mail is; safe to run again."""
    with running_desk() as app:
        archive, fetch = app.mail_archive(
            path, agent_addresses=imports.agent_addresses(app.desk), system=source
        )
        result = _run(app, archive, fetch, batch, dry_run)
        finish_run(app, result, train, report)


def _mapping(pairs: list[str], map_file: Path | None) -> dict[str, str]:
    """COLUMN=FIELD options, after the ones of ``map_file``."""
    mapping: dict[str, str] = {}
    if map_file is not None:
        try:
            text = map_file.read_text("utf-8")
            data = tomllib.loads(text) if map_file.suffix == ".toml" else json.loads(text)
        except (OSError, ValueError) as exc:
            raise InvalidInputError(f"{map_file}: cannot read the mapping ({exc})") from exc
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise InvalidInputError(f"{map_file}: the mapping is a table of COLUMN = FIELD")
        mapping.update(data)
    for pair in pairs:
        column, equals, name = pair.rpartition("=")
        if not equals or not column.strip() or not name.strip():
            raise InvalidInputError(f"--map {pair!r}: write COLUMN=FIELD", field="map")
        mapping[column.strip()] = name.strip()
    if not mapping:
        raise InvalidInputError("give the mapping: --map COLUMN=FIELD or --map-file", field="map")
    return mapping


def _run(
    app: Tierdesk, source: ImportSource, fetch: AttachmentFetcher, batch: int, dry_run: bool
) -> ImportReport:
    options = imports.ImportOptions(batch=batch, dry_run=dry_run)
    with counted_bar("Importing") as progress:
        return imports.import_history(app.desk, SYSTEM, source, fetch, options, progress)


@contextmanager
def counted_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error, fed (done, total) as the total becomes known."""
    with typer.progressbar(length=1, label=label, file=sys.stderr) as bar:
        shown = 0

        def progress(done: int, total: int) -> None:
            nonlocal shown
            bar.length = max(total, 1)
            bar.update(done - shown)
            shown = done

        yield progress


def finish_run(app: Tierdesk, result: ImportReport, train: bool, report: Path | None) -> None:
    """What every import does after storing: index (and queue or run triage), then report."""
    # Embedding the index (every ticket and manual section, once) is the slow part after a
    # large import: its own bar, counted in documents.
    sizes = search.index_size(app.desk) if app.desk.search is not None else {}
    documents = sum(sizes.values()) - sizes.get(str(DocumentKind.DOCUMENT), 0)
    with typer.progressbar(length=max(documents, 1), label="Indexing", file=sys.stderr) as bar:
        imports.finish_import(app.desk, result, progress=bar.update)
    if train:
        imports.train_after_import(app.desk, SYSTEM, result)
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
    if rows or not result.by_file:
        lines.append(render_table(["records", *(str(o) for o in Outcome)], rows))
    if result.by_file:
        files = [[name, *(str(c[str(o)]) for o in Outcome)] for name, c in data["files"].items()]
        lines.append(render_table(["file", *(str(o) for o in Outcome)], files))
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
    if result.triage_figures is not None:
        lines.append("Triage trained on the desk's history (held-back figures):")
        for name, figures in result.triage_figures.items():
            lines.append(
                f"  {name}: {int(figures.get('examples', 0))} examples, accuracy "
                f"{figures.get('validation_accuracy', 0):.0%}, macro-F1 "
                f"{figures.get('validation_macro_f1', 0):.2f}"
            )
        if not result.triage_figures:
            lines.append("  no field had enough labelled tickets to train.")
    elif result.training_queued:
        lines.append("Triage training is queued on the imported history (the worker runs it).")
    return "\n".join(lines)
