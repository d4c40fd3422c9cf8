"""A ticket's deadlines: every SLA clock, with what is left of it right now."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.people import Actor, Contact
from tierdesk.domain.sla import Deadline
from tierdesk.services.access import access_ticket
from tierdesk.services.desk import Desk


@dataclass(frozen=True)
class DeadlineView:
    deadline: Deadline
    calendar: str
    breached: bool
    business_minutes_left: float | None  # None once ended or while paused; negative when late


def ticket_deadlines(desk: Desk, actor: Actor, reference: int | str) -> list[DeadlineView]:
    """Every clock of the ticket, oldest first. Customers see the ones promised to them."""
    now = desk.clock.now()
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        deadlines = uow.deadlines.for_ticket(ticket.id)
        calendars = {c.id: c for c in uow.calendars.all()}
    if isinstance(actor, Contact):
        deadlines = [d for d in deadlines if d.kind.customer_facing]
    views = []
    for deadline in deadlines:
        calendar = calendars.get(deadline.calendar_id)
        left = deadline.business_time_left(calendar, now) if calendar else None
        views.append(
            DeadlineView(
                deadline=deadline,
                calendar=calendar.name if calendar else "?",
                breached=deadline.is_breached(now),
                business_minutes_left=None if left is None else round(left.total_seconds() / 60, 1),
            )
        )
    return views
