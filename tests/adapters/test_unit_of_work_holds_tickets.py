"""A ticket changed inside a unit of work keeps its audit events even when the use case lets go
of it before committing (the session itself only holds objects weakly)."""

from __future__ import annotations

import gc

from tests.factories import make_ticket
from tierdesk.domain.people import SystemActor
from tierdesk.domain.tickets import Priority
from tierdesk.domain.visibility import Scope
from tierdesk.ports import TicketFilter
from tierdesk.services.desk import Desk


def test_a_ticket_dropped_before_commit_still_stores_its_events(desk: Desk) -> None:
    ticket = make_ticket(desk)
    assert ticket.id is not None
    with desk.uow() as uow:
        loaded = uow.tickets.page(Scope(everything=True), TicketFilter(), 10, None)[0]
        loaded.change_priority(Priority.P1, SystemActor(), desk.clock.now(), "outage")
        uow.flush()  # once flushed, the session no longer holds the changed ticket strongly
        del loaded
        gc.collect()
        uow.commit()
    with desk.uow() as uow:
        actions = [e.action for e in uow.audit.for_ticket(ticket.id, public_only=False)]
        stored = uow.tickets.get(ticket.id)
        assert stored is not None
        assert stored.priority is Priority.P1
    assert actions[-1] == "ticket.priority_changed"
