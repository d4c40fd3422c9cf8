"""The one door to a ticket, and the check of what an actor may do with one.

Missing and not-yours look the same (``TicketNotFoundError``), so nobody can probe for other
organisations' ticket numbers.
"""

from __future__ import annotations

from tierdesk.domain.people import Actor, Agent, Contact, SystemActor
from tierdesk.domain.tickets import Ticket, parse_ticket_reference
from tierdesk.domain.visibility import can_see
from tierdesk.errors import PermissionDeniedError, TicketNotFoundError
from tierdesk.ports import UnitOfWork


def access_ticket(uow: UnitOfWork, actor: Actor, reference: int | str, prefix: str) -> Ticket:
    key = (
        parse_ticket_reference(str(reference), prefix) if isinstance(reference, str) else reference
    )
    ticket = uow.tickets.get(key) if isinstance(key, int) else uow.tickets.get_by_number(key)
    if ticket is None or not can_see(actor, ticket):
        raise TicketNotFoundError(reference)
    return ticket


def require_agent(actor: Actor, action: str) -> Agent | SystemActor:
    """Agents' work (notes, escalations, assignment…) is refused to customer contacts."""
    if isinstance(actor, Contact):
        raise PermissionDeniedError(f"customers cannot {action}", action=action)
    return actor


def require_lead(actor: Actor, action: str) -> None:
    if isinstance(actor, SystemActor):
        return
    if not isinstance(actor, Agent) or not actor.is_lead:
        raise PermissionDeniedError(f"only leads and admins can {action}", action=action)
