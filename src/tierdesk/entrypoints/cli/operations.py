"""Running the desk: ``serve``, ``db upgrade|current|history|downgrade|check`` and ``demo``."""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import ExitStack, suppress
from typing import TYPE_CHECKING, Annotated

import typer

from tierdesk.backups import check_desk
from tierdesk.bootstrap import JOB_NOTICES_VARIABLE, Tierdesk, bootstrap, ensure_access_notes_key
from tierdesk.config import Settings
from tierdesk.demo import build_demo, desk_has_data
from tierdesk.demo.sign_ins import describe_sign_ins, holds_demo_sign_ins
from tierdesk.entrypoints.cli.progress import ProgressLine
from tierdesk.entrypoints.cli.wiring import load_settings, note, running_desk, say
from tierdesk.entrypoints.cli.worker import background_jobs
from tierdesk.entrypoints.logs import configure_logging
from tierdesk.errors import ConfigurationError

if TYPE_CHECKING:
    from uvicorn import Config

db_app = typer.Typer(help="The database: migrations and a consistency check.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=1, max=65535)] = 8000,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            help="Run background jobs in this process too. Default: yes on SQLite, no on "
            "PostgreSQL (run `tierdesk worker` processes there).",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Web processes to run. Background jobs still run in one place only: this "
            "process (see --worker) or `tierdesk worker`, never in the web processes.",
        ),
    ] = 1,
) -> None:
    """Serve the web application and the REST API."""
    # imported here: the web application (FastAPI and every router) takes a second or more to
    # import, which every other command, `tierdesk demo` included, would pay for nothing
    import uvicorn

    from tierdesk.entrypoints.heap import settle_heap
    from tierdesk.entrypoints.web.hosts import public_base_url, served_url
    from tierdesk.entrypoints.web.server import server_config, workers_config

    settings = links_lead_to(load_settings(), host, port)
    with running_desk(settings) as app, background_jobs(app, worker) as runner:
        configure_logging(app.settings.log_format, app.settings.log_level)
        note(f"tierdesk on http://{host}:{port} (database {app.database_label})")
        note(f"links in mail lead to {public_base_url(app.settings, served_url(host, port))}")
        if workers > 1:
            note(f"{workers} web processes; background jobs only here (pid {os.getpid()})")
            with ExitStack() as notices:
                if runner is not None:
                    # the web processes tell this one's runners the moment a commit there
                    # enqueued a job (a new ticket's follow-up), instead of their next poll
                    address = notices.enter_context(app.job_notices())
                    os.environ[JOB_NOTICES_VARIABLE] = address
                    notices.callback(os.environ.pop, JOB_NOTICES_VARIABLE, None)
                _serve_in_processes(workers_config(app, host, port, workers))
            return
        app.warm_up()
        server = uvicorn.Server(server_config(app, host, port))
        settle_heap()
        with suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it has shut down on
            server.run()
        if not server.started:  # the port was taken, say; uvicorn has logged why
            raise typer.Exit(3)


def links_lead_to(settings: Settings, host: str, port: int) -> Settings:
    """Links are absolute under public_url; unset (dev/test), they lead to where this server
    listens. Given to the desk itself, not only to requests (which know where they were
    served): the answerer's "did this solve it?" link goes out by mail from the job runner, and
    was "/portal/tickets/TD-…" there. Production names its address itself (the settings refuse
    none)."""
    from tierdesk.entrypoints.web.hosts import served_url

    if settings.public_url or settings.env == "prod":
        return settings
    return settings.model_copy(update={"public_url": served_url(host, port)})


def _serve_in_processes(config: Config) -> None:
    """uvicorn's supervisor: web processes on one socket, restarted when one dies."""
    from uvicorn.supervisors import Multiprocess

    try:
        socket = config.bind_socket()
    except OSError as exc:  # the port was taken, say
        note(f"cannot listen on {config.host}:{config.port}: {exc}")
        raise typer.Exit(3) from exc
    with suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[socket]).run()


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply the database migrations that are not applied yet."""
    with running_desk(require_current_schema=False) as app:
        if not app.needs_upgrade():
            say(f"Database {app.database_label} is already up to date.")
            return
        app.upgrade_database()
        say(f"Database {app.database_label} upgraded to the newest schema.")


@db_app.command("current")
def current() -> None:
    """Show the migration the database is at, and whether it is the newest."""
    with running_desk(require_current_schema=False) as app:
        revisions = app.schema_revisions()
        described = {rev: doc for rev, doc, _head in app.migration_history()}
        if not revisions:
            say(f"Database {app.database_label} is empty: run `tierdesk db upgrade`.")
            return
        for revision in revisions:
            say(f"{revision}  {_first_line(described.get(revision, 'unknown to this tierdesk'))}")
        if app.needs_upgrade():
            say("Behind this tierdesk's newest migration: run `tierdesk db upgrade`.")
        else:
            say("Up to date (head).")


@db_app.command("history")
def history() -> None:
    """List every migration, newest first; the database's own is marked."""
    with running_desk(require_current_schema=False) as app:
        at = set(app.schema_revisions())
        for revision, doc, head in app.migration_history():
            marks = [m for m, on in (("head", head), ("current", revision in at)) if on]
            suffix = f"  ({', '.join(marks)})" if marks else ""
            say(f"{revision}  {_first_line(doc)}{suffix}")


@db_app.command("downgrade")
def downgrade(
    revision: Annotated[
        str, typer.Argument(help="The migration to go back to (see `tierdesk db history`).")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Undo migrations down to REVISION: for going back to an older tierdesk. Back up first."""
    with running_desk(require_current_schema=False) as app:
        if not yes:
            note(
                "A downgrade drops the tables and columns newer migrations added, and their "
                "data. Take a backup first: `tierdesk backup FILE`."
            )
            typer.confirm(f"Downgrade {app.database_label} to {revision}?", abort=True, err=True)
        app.downgrade_database(revision)
        at = ", ".join(app.schema_revisions()) or "nothing (empty)"
        say(f"Database {app.database_label} downgraded to {at}.")


@db_app.command("check")
def check() -> None:
    """Check the desk is whole: schema current, database sound, every stored file present and
    matching its hash. Exit 1 when a problem was found."""
    with running_desk(require_current_schema=False) as app:
        report = check_desk(app)
    for fact in report.facts:
        say(f"ok       {fact}")
    for problem in report.problems:
        say(f"PROBLEM  {problem}")
    if not report.passed:
        raise typer.Exit(1)
    say("The desk passed its consistency check.")


def _first_line(text: str, width: int = 90) -> str:
    """A migration's docstring's first paragraph on one line, shortened to ``width``."""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    return paragraph if len(paragraph) <= width else paragraph[: width - 1].rstrip() + "…"


def demo(
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="On SQLite, delete the database and attachments first and build afresh.",
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the demo world's randomness.")] = 7,
) -> None:
    """Build the demo world (a fictional VoIP/networking vendor's desk) into the data directory."""
    settings = load_settings()
    if force:
        app = bootstrap(settings)
        try:
            _erase_sqlite_data(app)
        finally:
            app.close()
    written = ensure_access_notes_key(settings)  # the demo's access notes need a key
    if written is not None:
        note(f"Wrote a key for access notes to {written} (readable by you only).")
    with running_desk(require_current_schema=False) as app:
        if app.needs_upgrade():
            app.upgrade_database()
        if desk_has_data(app.desk):
            say(
                f"The database {app.database_label} already holds data; left untouched. "
                "Use `tierdesk demo --force` to rebuild it (SQLite only)."
            )
            if holds_demo_sign_ins(app.desk):
                say(describe_sign_ins())
            return
        note(f"Building the demo world into {app.database_label} …")
        with ProgressLine(sys.stderr) as progress:
            summary = build_demo(app, seed=seed, progress=progress)
        say(summary.describe())


def _erase_sqlite_data(app: Tierdesk) -> None:
    path = app.sqlite_path
    if path is None:
        raise ConfigurationError(
            "--force only resets a SQLite database; on PostgreSQL drop and recreate the "
            "database yourself, then run `tierdesk demo` again"
        )
    app.close()  # release the file before deleting it
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    for directory in (app.settings.attachments_dir, app.settings.data_dir / "manuals"):
        shutil.rmtree(directory, ignore_errors=True)
    note(f"Deleted {path} and the data directory's attachments.")
