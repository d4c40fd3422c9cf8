"""The desk the demo builder plays its history through: the application's desk on the demo's
own clock, down to the event handlers.

``replace(app.desk, clock=...)`` alone is not enough: the unit of work hands events to the
handlers (routing, SLA clocks, rules, search) with the desk ``bootstrap`` wired, whose clock is
the real one, so the history's routing decisions and SLA clocks would carry today's date.

The history's tickets are not indexed event by event: nothing the history does searches them
(triage's cold start compares descriptions, not tickets), and the builder indexes every ticket
once at the end (``services.search.rebuild_index``), with the same documents the last event
would have stored. Re-indexing a ticket on each of its ~18 events was a fifth of the build.

Nor does the history queue mail: its replies and acknowledgements went out in the story,
months before the build, so the outbox handlers are left out too. Queued, they waited as
``pending`` (1,148 of them in a full build) for the first ``tierdesk mail send-pending`` after
SMTP was configured, which mailed them all to the demo's customers. The desk that runs after
the build (``bootstrap``'s handlers) queues its mail as always."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tierdesk.adapters.db.unit_of_work import SqlUnitOfWork, make_session_factory
from tierdesk.assist.embedding_ahead import EmbeddingAhead
from tierdesk.assist.search import HybridSearch, SearchTuning
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import Clock, UnitOfWork
from tierdesk.services.desk import Desk
from tierdesk.services.handlers import EVENT_HANDLERS, Handler, make_dispatcher
from tierdesk.services.knowledge_gaps import check_new_ticket
from tierdesk.services.mail_outbox import queue_acknowledgement, queue_public_reply
from tierdesk.services.search import index_ticket, ticket_documents


def desk_on_clock(app: Tierdesk, clock: Clock, ahead: EmbeddingAhead | None = None) -> Desk:
    """``app``'s desk (same database, search index, files) whose use cases and handlers all
    read ``clock``. With ``ahead``, the search index embeds through it, and each ticket's
    passages are announced to it when the ticket is solved, closed or merged: by the end of
    the history most of them are embedded already."""
    desks: list[Desk] = []  # the dispatcher needs the desk, which needs the unit of work
    handlers = history_handlers()
    search = app.desk.search
    if ahead is not None and search is not None:
        hybrid = HybridSearch(ahead, SearchTuning.of(app.settings.search))
        announce = announcer(hybrid, ahead)
        for action in ("ticket.status_changed", "ticket.merged_into"):
            handlers[action] = (*handlers.get(action, ()), announce)
        search = hybrid
    dispatch = make_dispatcher(lambda: desks[0], handlers)
    sessions = make_session_factory(app.engine)
    prefix = app.settings.ticket_prefix

    def unit_of_work() -> UnitOfWork:
        return SqlUnitOfWork(sessions, prefix, dispatch)

    desk = replace(app.desk, clock=clock, uow=unit_of_work, search=search)
    desks.append(desk)
    return desk


# Handlers the history runs without (see the module docstring).
# The history's tickets are not searchable while it plays, so looking up their knowledge
# would find nothing and call every one of them a gap.
NOT_IN_HISTORY: tuple[Handler, ...] = (
    index_ticket,
    queue_public_reply,
    queue_acknowledgement,
    check_new_ticket,
)


def history_handlers() -> dict[str, Sequence[Handler]]:
    """The desk's handlers without per-event search indexing and without queueing mail."""
    return {
        action: [h for h in handlers if h not in NOT_IN_HISTORY]
        for action, handlers in EVENT_HANDLERS.items()
    }


def announcer(index: HybridSearch, ahead: EmbeddingAhead) -> Handler:
    """A handler announcing a finished ticket's passages (what ``rebuild_index`` will embed)."""

    def announce_finished(_uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
        if event.action == "ticket.status_changed" and ticket.status.is_active:
            return
        ahead.ahead([t for d in ticket_documents(ticket) for t in index.passage_texts(d)])

    return announce_finished
