"""Helpers for SLA tests: open tickets on a plan and priority, read their clocks."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import make_agent, make_contact, make_organisation
from tierdesk.domain.people import Agent, Contact, Role
from tierdesk.domain.sla import ClockKind, Deadline
from tierdesk.domain.tickets import Priority, Ticket, TicketType
from tierdesk.services import tickets
from tierdesk.services.deadlines import DeadlineView, ticket_deadlines
from tierdesk.services.desk import Desk


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc,arg-type]


def a_customer(desk: Desk, plan: str = "standard") -> Contact:
    return make_contact(desk, organisation=make_organisation(desk, plan=plan))


def open_ticket(
    desk: Desk,
    *,
    plan: str = "standard",
    priority: Priority = Priority.P3,
    subject: str = "Calls drop after 30 seconds",
    contact: Contact | None = None,
) -> Ticket:
    contact = contact or a_customer(desk, plan)
    return tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(
            subject=subject,
            body_text="Every outbound call drops after exactly 30 seconds.",
            type=TicketType.PROBLEM,
            priority=priority,
        ),
    )


def a_lead(desk: Desk) -> Agent:
    return make_agent(desk, tiers=[0, 1, 2, 3, 4], role=Role.LEAD)


def views(desk: Desk, ticket: Ticket, lead: Agent | None = None) -> list[DeadlineView]:
    return ticket_deadlines(desk, lead or a_lead(desk), ticket.id or 0)


def clocks(desk: Desk, ticket: Ticket, lead: Agent | None = None) -> dict[str, Deadline]:
    """The newest clock of each kind (and level): ``"first-response"``, ``"L1 level-pickup"``."""
    found: dict[str, Deadline] = {}
    for view in views(desk, ticket, lead):
        deadline = view.deadline
        name = str(deadline.kind)
        if deadline.tier is not None:
            name = f"{deadline.tier.label} {name}"
        found[name] = deadline
    return found


def running(desk: Desk, ticket: Ticket) -> set[str]:
    return {name for name, d in clocks(desk, ticket).items() if d.running}


FIRST, NEXT, RESOLUTION = (
    str(ClockKind.FIRST_RESPONSE),
    str(ClockKind.NEXT_RESPONSE),
    str(ClockKind.RESOLUTION),
)
