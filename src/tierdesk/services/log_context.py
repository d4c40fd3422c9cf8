"""What a log line is about: the request, the background job and the ticket being worked on.

Context variables, so that every log call below a request or a job carries them without being
handed them (the log formatter in ``entrypoints/logs.py`` reads them). A request's handler runs
on a worker thread in a copy of the request's context; a job runs in ``bound`` and leaves the
thread as it found it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("tierdesk_request_id", default=None)
job_id: ContextVar[int | None] = ContextVar("tierdesk_job_id", default=None)
ticket_ref: ContextVar[str | None] = ContextVar("tierdesk_ticket", default=None)


@contextmanager
def bound(*, job: int | None = None, ticket: str | None = None) -> Iterator[None]:
    """Within the block, log lines name ``job`` and ``ticket``; afterwards what was before."""
    job_token = job_id.set(job)
    ticket_token = ticket_ref.set(ticket)
    try:
        yield
    finally:
        ticket_ref.reset(ticket_token)
        job_id.reset(job_token)


def note_ticket(reference: str) -> None:
    """The ticket the current request or job works on, from here on (the one door to a ticket,
    ``access_ticket``, calls it)."""
    ticket_ref.set(reference)


def current() -> dict[str, str | int]:
    """The context of the current log line, without the parts that are unset."""
    found: dict[str, str | int | None] = {
        "request_id": request_id.get(),
        "job_id": job_id.get(),
        "ticket": ticket_ref.get(),
    }
    return {key: value for key, value in found.items() if value is not None}
