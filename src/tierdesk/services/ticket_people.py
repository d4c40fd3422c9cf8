"""The people parts of a ticket's changes (requester, followers, CCs), applied inside the caller's
unit of work: ``tickets.apply_changes`` calls this, so the API's PATCH and the ticket page
change them by the same rules (``domain/ticket_people.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tierdesk.domain import ticket_people
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork


def apply_people_changes(
    uow: UnitOfWork,
    actor: Actor,
    ticket: Ticket,
    at: datetime,
    *,
    requester_id: int | None,
    followers: Sequence[int] | None,
    ccs: Sequence[str] | None = None,
) -> None:
    """``None``: leave that part as it is."""
    if requester_id is not None and requester_id != ticket.requester_id:
        contact = uow.contacts.get(requester_id)
        if contact is None:
            raise InvalidInputError(f"no contact {requester_id}", field="requester_id")
        ticket_people.change_requester(ticket, contact, actor, at)
    if followers is not None:
        agents: list[Agent] = []
        for agent_id in dict.fromkeys(followers):
            agent = uow.agents.get(agent_id)
            if agent is None:
                raise InvalidInputError(f"no agent {agent_id}", field="followers")
            agents.append(agent)
        ticket_people.set_followers(ticket, agents, actor, at)
    if ccs is not None:
        set_ccs(uow, ticket, ccs, actor, at)


def set_ccs(
    uow: UnitOfWork, ticket: Ticket, addresses: Sequence[str], actor: Actor, at: datetime
) -> None:
    """The ticket's CCs become ``addresses`` (the requester, mailed anyway, left out)."""
    requester = uow.contacts.get(ticket.requester_id)
    ticket_people.set_ccs(ticket, addresses, requester.email if requester else "", actor, at)
