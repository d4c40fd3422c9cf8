"""Who a ticket is about and who watches it: its requester and its followers.

Functions of the ticket, like ``ticket_levels.py``, so that ``tickets.py`` stays readable; they
check, apply and record on the ticket's trail through its ``_record``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tierdesk.domain.people import Actor, Agent, Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError, PermissionDeniedError


def change_requester(ticket: Ticket, contact: Contact, by: Actor, at: datetime) -> None:
    """The person the ticket is for becomes ``contact``: someone of the same organisation (a
    ticket never moves between organisations: what they may see follows from it)."""
    ticket._require_active("change_requester")
    if contact.id is None or not contact.active:
        raise InvalidInputError(f"{contact.name} is not an active contact", field="requester_id")
    if contact.organisation_id != ticket.organisation_id:
        raise InvalidInputError(
            f"{contact.name} is not of this ticket's organisation", field="requester_id"
        )
    if contact.id == ticket.requester_id:
        return
    old, ticket.requester_id = ticket.requester_id, contact.id
    ticket._record("ticket.requester_changed", by, at, changes={"requester_id": [old, contact.id]})


def set_followers(ticket: Ticket, agents: Sequence[Agent], by: Actor, at: datetime) -> None:
    """The agents who follow the ticket become exactly ``agents``. A follower may open the
    ticket whatever its level (``visibility.can_see``), so only a lead makes others follow or
    stop following; an agent starts or stops following on their own."""
    ticket._require_active("set_followers")
    wanted: list[int] = []
    for agent in agents:
        if agent.id is None or not agent.active:
            raise InvalidInputError(f"{agent.name} is not an active agent", field="followers")
        if agent.id not in wanted:
            wanted.append(agent.id)
    moved = set(wanted) ^ set(ticket.followers)
    if not moved:
        return
    if isinstance(by, Agent) and not by.is_lead and moved - {by.id}:
        raise PermissionDeniedError(
            "only leads make others follow a ticket; you may follow or stop following it",
            action="set_followers",
            field="followers",
        )
    old, ticket.followers = list(ticket.followers), wanted
    ticket._record("ticket.followers_changed", by, at, changes={"followers": [old, wanted]})
