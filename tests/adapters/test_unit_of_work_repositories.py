"""A unit of work makes its repositories on first use, from the session of the transaction it
is in: one entered again works on its new session, never on the closed one."""

from __future__ import annotations

from tests.factories import make_ticket
from tierdesk.adapters.db.unit_of_work import SqlUnitOfWork
from tierdesk.services.desk import Desk


def test_repositories_are_made_when_used_and_on_the_current_session(desk: Desk) -> None:
    ticket = make_ticket(desk)
    assert ticket.id is not None
    uow = desk.uow()
    assert isinstance(uow, SqlUnitOfWork)
    with uow:
        first_session = uow.session
        assert "tickets" not in vars(uow)  # nothing made before it is used
        tickets = uow.tickets
        assert tickets is uow.tickets  # made once per transaction
        assert uow.tickets.get(ticket.id) is not None
        assert "agents" not in vars(uow)
    with uow:  # the same object, a new transaction
        assert uow.session is not first_session
        assert uow.tickets is not tickets
        found = uow.tickets.get(ticket.id)
        assert found is not None
        assert uow.session.get_transaction() is not None  # the read ran on the new session
        assert found in uow.session
