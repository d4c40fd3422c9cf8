"""Is the desk alive, and is it ready to serve? The one place the checks live.

Liveness touches nothing (a process that answers is alive); readiness asks the database, the
schema, the models, the job queue and the mail backlog, each in its own check, so that a failing
one says which part is wrong. Nothing here raises for a failing part: the answer lists it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from tierdesk.errors import TierdeskError
from tierdesk.services.desk import Desk
from tierdesk.services.mail_admin import read_backlog


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, str | bool]:
        return {"ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def reason(self) -> str:
        """The failing checks in one sentence (empty when ready)."""
        return "; ".join(f"{c.name}: {c.detail}" for c in self.checks if not c.ok)

    def as_dict(self) -> dict[str, dict[str, str | bool]]:
        return {check.name: check.as_dict() for check in self.checks}


def check_liveness() -> dict[str, str]:
    """The process answers; nothing else is asked (an orchestrator restarts it otherwise)."""
    return {"status": "ok"}


def check_readiness(
    desk: Desk,
    migrations_pending: Callable[[], bool],
    max_job_age: timedelta,
    max_mail_age: timedelta,
) -> Readiness:
    """``migrations_pending`` says whether the schema is behind the code (it reads the
    database too); ``max_job_age``: how long a due job may wait before the desk counts as
    behind (no worker running, or too few); ``max_mail_age``: the same for mail the SMTP
    listener acknowledged and has not processed (its intake stopped, or cannot keep up)."""
    database = _database(desk)
    if not database.ok:  # the other checks would only repeat it
        skipped = "not checked: the database does not answer"
        return Readiness(
            (
                database,
                Check("migrations", False, skipped),
                _models(desk),
                Check("jobs", False, skipped),
                Check("mail", False, skipped),
            )
        )
    return Readiness(
        (
            database,
            _migrations(migrations_pending),
            _models(desk),
            _jobs(desk, max_job_age),
            _mail(desk, max_mail_age),
        )
    )


def _database(desk: Desk) -> Check:
    try:
        with desk.uow() as uow:
            uow.operations.ping()
    except Exception as exc:  # whatever the driver raises: the answer is "not reachable"
        return Check("database", False, f"not reachable ({type(exc).__name__})")
    return Check("database", True, "reachable")


def _migrations(pending: Callable[[], bool]) -> Check:
    try:
        behind = pending()
    except TierdeskError as exc:
        return Check("migrations", False, exc.message)
    except Exception as exc:  # a database that went away between two checks
        return Check("migrations", False, f"could not be read ({type(exc).__name__})")
    if behind:
        return Check("migrations", False, "the schema is behind; run `tierdesk db upgrade`")
    return Check("migrations", True, "current")


def _models(desk: Desk) -> Check:
    if desk.search is None:
        return Check("models", True, "no embedder configured")
    try:
        desk.search.warm_up()  # loads the model once per process; afterwards one short text
    except TierdeskError as exc:
        return Check("models", False, f"the embedder {desk.search.model} failed: {exc.message}")
    return Check("models", True, f"embedder {desk.search.model} loaded")


def _jobs(desk: Desk, max_age: timedelta) -> Check:
    now = desk.clock.now()
    with desk.uow() as uow:
        oldest = uow.operations.oldest_due_job(now)
    if oldest is None:
        return Check("jobs", True, "no job waiting")
    waited = now - oldest
    seconds = int(waited.total_seconds())
    if waited > max_age:
        return Check(
            "jobs",
            False,
            f"the oldest due job has waited {seconds} s (limit {int(max_age.total_seconds())} s);"
            " is a worker running?",
        )
    return Check("jobs", True, f"the oldest due job has waited {seconds} s")


def _mail(desk: Desk, max_age: timedelta) -> Check:
    backlog = read_backlog(desk)
    if not backlog.waiting:
        return Check("mail", True, "no acknowledged mail waiting")
    seconds = int(backlog.oldest_age_seconds)
    waiting = f"{backlog.waiting} acknowledged message{'s' if backlog.waiting != 1 else ''} waiting"
    if backlog.oldest_age_seconds > max_age.total_seconds():
        return Check(
            "mail",
            False,
            f"{waiting}, the oldest for {seconds} s (limit {int(max_age.total_seconds())} s);"
            " is the mail listener's intake running?",
        )
    return Check("mail", True, f"{waiting}, the oldest for {seconds} s")
