"""Background work from the command line: ``tierdesk worker`` runs jobs until stopped,
``tierdesk jobs`` shows what ran; ``background_jobs`` is the thread ``tierdesk serve`` starts
beside the web server on the embedded (SQLite) default."""

from __future__ import annotations

import importlib
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer

from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.jobs import JobStatus
from tierdesk.entrypoints.cli.wiring import note, render_table, running_desk, say
from tierdesk.entrypoints.heap import settle_heap
from tierdesk.entrypoints.logs import configure_logging
from tierdesk.services.auth import SYSTEM
from tierdesk.services.job_runner import (
    JobRunner,
    follow_up_runner,
    without_follow_ups,
    worker_name,
)
from tierdesk.services.jobs import TASKS, list_jobs


def _import_task_modules(modules: list[str] | None) -> None:
    for module in modules or []:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise typer.BadParameter(f"cannot import {module!r}: {exc}") from exc


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run what is due now, then exit (for cron).")
    ] = False,
    poll: Annotated[
        float, typer.Option(help="Seconds to wait when nothing is due.", min=0.05)
    ] = 1.0,
    import_module: Annotated[
        list[str] | None,
        typer.Option("--import", help="Also load the tasks of this Python module; repeatable."),
    ] = None,
) -> None:
    """Run background jobs until SIGTERM or Ctrl-C: every minute the SLA sweep (warnings,
    breaches), time-based automation rules and the mail outbox (sent through the SMTP relay
    once TIERDESK_MAIL__FROM_ADDRESS is set; until then it waits); defect sync with the issue
    tracker; triage retraining; pruning of finished jobs.

    Start as many as you like, on as many machines as share the database: each job runs once.
    """
    _import_task_modules(import_module)
    with running_desk() as app:
        configure_logging(app.settings.log_format, app.settings.log_level)
        runner = JobRunner(app.desk, poll_seconds=poll, name=worker_name("worker"))
        if once:
            say(f"Ran {runner.run_once()} jobs.")
            return
        app.warm_up(jobs=True)
        # New tickets' follow-ups in a thread of their own: a long job here never holds them.
        follow_ups = follow_up_runner(app.desk, name=worker_name("worker-follow-ups"))
        follow_ups.poll_seconds = poll
        runner.registry = without_follow_ups()

        def stop(signum: int, _frame: FrameType | None) -> None:
            note(f"Stopping {runner.name} after its current job ({signal.Signals(signum).name}).")
            follow_ups.stop()
            runner.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        tasks = ", ".join(sorted(TASKS.tasks))
        note(f"Worker {runner.name} on {app.database_label}; tasks: {tasks}.")
        note(mail_state(app))
        follow_ups.start()
        try:
            with app.job_notices_from_the_database():
                runner.run_forever()
        finally:
            follow_ups.stop()


def jobs(
    status: Annotated[
        list[JobStatus] | None, typer.Option(help="Only jobs in this state; repeatable.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.", min=1, max=1000)] = 20,
) -> None:
    """Show the newest background jobs and how they went."""
    with running_desk() as app:
        found = list_jobs(app.desk, SYSTEM, status or [], limit)
    rows = [
        [
            str(j.id),
            j.name,
            str(j.status),
            f"{j.attempts}/{j.max_attempts}",
            j.run_at.isoformat(timespec="seconds"),
            (j.last_error or "").strip().splitlines()[-1][:60] if j.last_error else "",
        ]
        for j in found
    ]
    say(render_table(["id", "task", "status", "attempts", "run at", "last error"], rows))


def mail_state(app: Tierdesk) -> str:
    """Whether the jobs send the outbox, in words."""
    mail = app.settings.mail
    if app.desk.mail_out is None:
        return (
            "Outgoing mail is not sent: it waits in the outbox until TIERDESK_MAIL__FROM_ADDRESS "
            "(and the SMTP relay) are set."
        )
    return f"Outgoing mail goes from {mail.from_address} through {mail.smtp_host}:{mail.smtp_port}."


def _warmed_up(app: Tierdesk) -> None:
    app.warm_up(jobs=True)
    settle_heap()


@contextmanager
def background_jobs(app: Tierdesk, enabled: bool | None) -> Iterator[JobRunner | None]:
    """Run jobs in a thread of this process while the block runs. ``None`` means: on for a
    SQLite file (the embedded default has no other worker), off for PostgreSQL (run
    ``tierdesk worker`` processes there)."""
    if enabled is None:
        enabled = app.sqlite_path is not None
    if not enabled:
        yield None
        return
    runner = JobRunner(app.desk, registry=without_follow_ups(), name=worker_name("serve"))
    runner.start()
    # its models loaded before the first new ticket, in its own thread: the web server (or,
    # under `--workers`, its processes) starts meanwhile; what they brought (scikit-learn, the
    # triage model) is frozen with the rest of start-up once they are in
    follow_ups = follow_up_runner(
        app.desk, name=worker_name("serve-follow-ups"), prepare=lambda: _warmed_up(app)
    )
    follow_ups.start()
    note(
        "Background jobs (SLA warnings and breaches, time-based rules, outgoing mail, tracker "
        "sync) run inside this server process; on PostgreSQL you can run `tierdesk worker` "
        "instead."
    )
    note(mail_state(app))
    try:
        with app.job_notices_from_the_database():
            yield runner
    finally:
        follow_ups.stop()
        runner.stop()
