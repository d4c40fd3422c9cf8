"""The desk the demo builder plays its history through: the application's desk on the demo's
own clock, down to the event handlers.

``replace(app.desk, clock=...)`` alone is not enough: the unit of work hands events to the
handlers (routing, SLA clocks, rules, search) with the desk ``bootstrap`` wired, whose clock is
the real one, so the history's routing decisions and SLA clocks would carry today's date.

The history's tickets are not indexed event by event: nothing the history does searches them
(triage's cold start compares descriptions, not tickets), and the builder indexes every ticket
once at the end (``services.search.rebuild_index``), with the same documents the last event
would have stored. Re-indexing a ticket on each of its ~18 events was a fifth of the build."""

from __future__ import annotations

from dataclasses import replace

from tierdesk.adapters.db.unit_of_work import SqlUnitOfWork, make_session_factory
from tierdesk.bootstrap import Tierdesk
from tierdesk.ports import Clock, UnitOfWork
from tierdesk.services.desk import Desk
from tierdesk.services.handlers import HANDLERS, HandlerTable, make_dispatcher
from tierdesk.services.search import index_ticket


def desk_on_clock(app: Tierdesk, clock: Clock) -> Desk:
    """``app``'s desk (same database, search index, files) whose use cases and handlers all
    read ``clock``."""
    desks: list[Desk] = []  # the dispatcher needs the desk, which needs the unit of work
    dispatch = make_dispatcher(lambda: desks[0], history_handlers())
    sessions = make_session_factory(app.engine)
    prefix = app.settings.ticket_prefix

    def unit_of_work() -> UnitOfWork:
        return SqlUnitOfWork(sessions, prefix, dispatch)

    desk = replace(app.desk, clock=clock, uow=unit_of_work)
    desks.append(desk)
    return desk


def history_handlers() -> HandlerTable:
    """The desk's handlers without the per-event search indexing (see the module docstring)."""
    return HandlerTable(
        {
            action: [h for h in handlers if h is not index_ticket]
            for action, handlers in HANDLERS.handlers.items()
        }
    )
