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


def test_one_transactions_events_are_stored_in_the_order_of_their_tickets(desk: Desk) -> None:
    # A merge changes two tickets at once; the order their events are stored (and handled) in
    # must not follow where Python placed the tickets in memory, or no two builds of the demo
    # hold the same trail.
    made = [make_ticket(desk) for _ in range(8)]
    ids = sorted(t.id for t in made if t.id is not None)
    with desk.uow() as uow:
        loaded = [uow.tickets.get(ticket_id) for ticket_id in reversed(ids)]
        for ticket in loaded:
            assert ticket is not None
            ticket.change_priority(Priority.P1, SystemActor(), desk.clock.now(), "outage")
        uow.commit()
    with desk.uow() as uow:
        changed = [
            (event.id, ticket_id)
            for ticket_id in ids
            for event in uow.audit.for_ticket(ticket_id, public_only=False)
            if event.action == "ticket.priority_changed"
        ]
    assert [ticket_id for _, ticket_id in sorted(changed)] == ids
