"""The desk the demo builder plays its history through: the application's desk on the demo's
own clock, down to the event handlers.

``replace(app.desk, clock=...)`` alone is not enough: the unit of work hands events to the
handlers (routing, SLA clocks, rules, search) with the desk ``bootstrap`` wired, whose clock is
the real one, so the history's routing decisions and SLA clocks would carry today's date.

The history's tickets are not indexed event by event: nothing the history does searches them
(triage's cold start compares descriptions, not tickets), and the builder indexes every ticket
once at the end (``services.search.rebuild_index``), with the same documents the last event
would have stored. Re-indexing a ticket on each of its ~18 events was a fifth of the build.

Nor does the history ask for automation rules and webhooks on each event: the demo world has
none. Nor does the history queue mail: its replies and acknowledgements went out in the story,
months before the build, so the outbox handlers are left out too. Queued, they waited as
``pending`` (1,148 of them in a full build) for the first ``tierdesk mail send-pending`` after
SMTP was configured, which mailed them all to the demo's customers. The desk that runs after
the build (``bootstrap``'s handlers) queues its mail as always.

A new ticket's and message's follow-up (enrichment, triage, outage detection:
``services/follow_ups.py``) is a job. The history runs those jobs the moment the transaction
that enqueued them commits, on the history's clock, as the desk's own runner would a moment
later: the story's next step (an agent accepting a triage suggestion, an outage proposal being
declared) finds them done, and they carry the story's dates. Without indexing and without the
knowledge-gap look-up, as above."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from tierdesk.adapters.db.unit_of_work import SqlUnitOfWork, make_session_factory
from tierdesk.assist.classifiers import EmbeddingClassifiers
from tierdesk.assist.embedding_ahead import EmbeddingAhead
from tierdesk.assist.search import HybridSearch, SearchTuning
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import Clock, UnitOfWork
from tierdesk.services.access import access_ticket
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.follow_ups import FOLLOW_UP_TASK, run_follow_up
from tierdesk.services.handlers import (
    EVENT_HANDLERS,
    FOLLOW_UPS,
    READ_AHEAD,
    Handler,
    make_dispatcher,
)
from tierdesk.services.jobs import TaskRegistry, run_next_job
from tierdesk.services.knowledge_gaps import check_new_ticket
from tierdesk.services.mail_outbox import queue_acknowledgement, queue_public_reply
from tierdesk.services.rules import read_ahead_rules, run_event_rules
from tierdesk.services.search import index_ticket, ticket_documents
from tierdesk.services.webhooks import queue_ticket_event, read_ahead_subscribers


def desk_on_clock(app: Tierdesk, clock: Clock, ahead: EmbeddingAhead | None = None) -> Desk:
    """``app``'s desk (same database, search index, files) whose use cases and handlers all
    read ``clock``. With ``ahead``, the search index embeds through it, and each ticket's
    passages are announced to it when the ticket is solved, closed or merged: by the end of
    the history most of them are embedded already."""
    desks: list[Desk] = []  # the dispatcher needs the desk, which needs the unit of work
    handlers = history_handlers()
    search = app.desk.search
    understanding = app.desk.understanding
    if ahead is not None and search is not None:
        hybrid = HybridSearch(ahead, SearchTuning.of(app.settings.search))
        announce = announcer(hybrid, ahead)
        for action in ("ticket.status_changed", "ticket.merged_into"):
            handlers[action] = (*handlers.get(action, ()), announce)
        search = hybrid
    if ahead is not None and understanding is not None:
        # Triage's cold start embeds each new ticket's text alone: the builder announces the
        # planned openings' texts (``script.opening_texts``) and the worker embeds them ahead.
        classifiers = EmbeddingClassifiers(ahead.one_by_one())
        understanding = replace(understanding, classifiers=classifiers)
    dispatch = make_dispatcher(lambda: desks[0], handlers, settled=(), read_ahead=history_reads())
    sessions = make_session_factory(app.engine)
    prefix = app.settings.ticket_prefix
    follow_up_now = FollowUpsNow(lambda: desks[0])

    def unit_of_work() -> UnitOfWork:
        return SqlUnitOfWork(sessions, prefix, dispatch, on_jobs=follow_up_now)

    desk = replace(
        app.desk, clock=clock, uow=unit_of_work, search=search, understanding=understanding
    )
    desks.append(desk)
    return desk


class FollowUpsNow:
    """Runs the follow-up jobs a commit enqueued right after it (the desk's runner would, a
    moment later), with the history's follow-up steps. Only those jobs: the answers world runs
    its answerer jobs itself, and the rest (none in the history) are left to the desk. A
    follow-up that fails stops the build (a job would only record it)."""

    def __init__(self, desk_provider: Callable[[], Desk]) -> None:
        self._desk = desk_provider
        self._running = False
        self._failure: Exception | None = None
        self._steps = history_follow_ups()
        self._tasks = TaskRegistry()
        self._tasks.task(FOLLOW_UP_TASK, max_attempts=1)(self._follow_up)

    def _follow_up(self, desk: Desk, payload: dict[str, Any]) -> None:
        try:
            run_follow_up(desk, payload, self._steps)
        except Exception as exc:
            self._failure = exc
            raise

    def __call__(self) -> None:
        if self._running:
            return  # a follow-up's own commit enqueued one: the loop below runs it next
        self._running = True
        try:
            while run_next_job(self._desk(), "demo", self._tasks) is not None:
                if self._failure is not None:
                    raise self._failure
        finally:
            self._running = False


# Handlers the history runs without (see the module docstring).
# The history's tickets are not searchable while it plays, so looking up their knowledge
# would find nothing and call every one of them a gap.
# The demo world has no automation rules and no webhooks (test_demo_world checks): the two
# every-event handlers asked the database for them on each of ~8,300 events and found none.
NOT_IN_HISTORY: tuple[Handler, ...] = (
    index_ticket,
    queue_public_reply,
    queue_acknowledgement,
    check_new_ticket,
    run_event_rules,
    queue_ticket_event,
)
NOT_READ_IN_HISTORY: tuple[Handler, ...] = (read_ahead_rules, read_ahead_subscribers)


def history_handlers() -> dict[str, Sequence[Handler]]:
    """The desk's handlers without search indexing and without queueing mail (the index once
    per transaction is left out by the dispatcher: ``settled=()``)."""
    return {
        action: [h for h in handlers if h not in NOT_IN_HISTORY]
        for action, handlers in EVENT_HANDLERS.items()
    }


def history_reads() -> dict[str, Sequence[Handler]]:
    """The reads ahead of the handlers the history keeps (rules and webhooks are left out)."""
    return {
        action: [r for r in readers if r not in NOT_READ_IN_HISTORY]
        for action, readers in READ_AHEAD.items()
    }


def history_follow_ups() -> dict[str, list[list[Handler]]]:
    """The follow-up steps without indexing and the knowledge-gap look-up. A step left with
    no handler (indexing is a step of its own) is dropped: each step is a unit of work that
    loads the ticket and its trail, for nothing."""
    kept = {
        action: [[h for h in step if h not in NOT_IN_HISTORY] for step in steps]
        for action, steps in FOLLOW_UPS.items()
    }
    return {action: [step for step in steps if step] for action, steps in kept.items()}


def announcer(index: HybridSearch, ahead: EmbeddingAhead) -> Handler:
    """A handler announcing a finished ticket's passages (what ``rebuild_index`` will embed)."""

    def announce_finished(_uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
        if event.action == "ticket.status_changed" and ticket.status.is_active:
            return
        ahead.ahead([t for d in ticket_documents(ticket) for t in index.passage_texts(d)])

    return announce_finished


def index_tickets_now(desk: Desk, numbers: Sequence[str]) -> None:
    """Store the search documents of tickets opened or changed after the builder's final
    index pass: the builder's desk indexes no ticket event by event (see above), and the
    desk's follow-up would have indexed them."""
    index = desk.search
    if index is None or not numbers:
        return
    with desk.uow() as uow:
        for number in numbers:
            ticket = access_ticket(uow, SYSTEM, number, desk.ticket_prefix)
            index.store(uow, ticket_documents(ticket))
        uow.commit()
