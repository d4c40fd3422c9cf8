"""Splitting a ticket: one message becomes a ticket of its own, linked to the original
(``domain/ticket_splits.py``). Merging is ``tickets.merge_tickets``."""

from __future__ import annotations

from tierdesk.domain.people import Actor
from tierdesk.domain.ticket_splits import record_split, split_off
from tierdesk.domain.tickets import LinkKind, Ticket, format_ticket_number
from tierdesk.services.access import access_ticket, require_agent
from tierdesk.services.desk import Desk


def split_ticket(
    desk: Desk, actor: Actor, reference: int | str, message_id: int, subject: str
) -> Ticket:
    """Open a ticket from message ``message_id`` of ``reference``; returns the new ticket. Its
    ``ticket.opened`` runs the handlers of any new ticket (routing, SLA clocks, rules)."""
    require_agent(actor, "split tickets")
    with desk.uow() as uow:
        source = access_ticket(uow, actor, reference, desk.ticket_prefix)
        now = desk.clock.now()
        new = split_off(source, message_id, subject, actor, now)
        uow.tickets.add(new)
        uow.flush()  # its id, for the link and both trails
        assert new.id is not None
        new.number = format_ticket_number(desk.ticket_prefix, new.id)
        record_split(source, new, message_id, new.number, actor, now)
        source.link_to(new, LinkKind.RELATED, actor, now)
        uow.commit()
        return new
