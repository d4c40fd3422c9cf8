"""The agent's queue: the tickets they may see, most urgent SLA clock first.

Urgency is the earliest due time among a ticket's running, unpaused clocks (customer and level
clocks alike); tickets with no running clock come after all the others, newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tierdesk.domain.people import Actor
from tierdesk.domain.sla import Deadline
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError
from tierdesk.ports import TicketFilter
from tierdesk.services import reference_data
from tierdesk.services.desk import Desk
from tierdesk.services.tickets import list_tickets

ACTIVE_STATUSES = ("new", "open", "pending-customer", "pending-internal", "on-hold")
# The queue ranks what one person can work through; a page that long is already a backlog.
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class QueueFilters:
    tier: int | None = None
    queue: str | None = None
    product: str | None = None  # product key
    language: str | None = None
    priority: tuple[str, ...] = ()
    status: tuple[str, ...] = ACTIVE_STATUSES
    assignee_id: int | None = None
    unassigned: bool = False
    text: str | None = None


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    urgent: Deadline | None  # the running clock due first
    requester: str
    organisation: str
    assignee: str | None
    product: str | None
    deadlines: list[Deadline] = field(default_factory=list)


def _due(deadline: Deadline) -> datetime:
    return deadline.due_at or datetime.max.replace(tzinfo=UTC)


def _urgency(row: QueueRow) -> tuple[int, float, int]:
    due = row.urgent.due_at if row.urgent else None
    if due is None:
        return (1, 0.0, -(row.ticket.id or 0))
    return (0, due.timestamp(), row.ticket.id or 0)


def work_queue(desk: Desk, actor: Actor, filters: QueueFilters) -> list[QueueRow]:
    """The tickets ``actor`` may see that match ``filters``, most urgent first."""
    with desk.uow() as uow:
        product_id = None
        if filters.product:
            product = uow.products.get_by_key(filters.product)
            if product is None:
                raise InvalidInputError(f"unknown product {filters.product!r}", field="product")
            product_id = product.id
    page = list_tickets(
        desk,
        actor,
        TicketFilter(
            status=filters.status,
            priority=filters.priority,
            tier=() if filters.tier is None else (filters.tier,),
            queue=filters.queue,
            assignee_id=filters.assignee_id,
            unassigned=filters.unassigned,
            product_id=product_id,
            text=filters.text,
        ),
        QUEUE_LIMIT,
    )
    found = [
        t for t in page.tickets if not filters.language or (t.language or "") == filters.language
    ]
    with desk.uow() as uow:
        agents = {a.id: a.name for a in uow.agents.all()}
        organisations = {o.id: o.name for o in uow.organisations.all()}
        products = {p.id: p.name for p in reference_data.products(desk.reference, uow)}
        running = uow.deadlines.running_for_tickets([t.id for t in found if t.id is not None])
        requesters = {r: uow.contacts.get(r) for r in {t.requester_id for t in found}}
    rows = []
    for ticket in found:
        clocks = running.get(ticket.id or 0, [])
        unpaused = [d for d in clocks if d.due_at is not None and d.paused_since is None]
        requester = requesters.get(ticket.requester_id)
        rows.append(
            QueueRow(
                ticket=ticket,
                urgent=min(unpaused, key=_due) if unpaused else None,
                requester=requester.name if requester else "?",
                organisation=organisations.get(ticket.organisation_id, "?"),
                assignee=agents.get(ticket.assignee_id) if ticket.assignee_id else None,
                product=products.get(ticket.product_id) if ticket.product_id else None,
                deadlines=clocks,
            )
        )
    return sorted(rows, key=_urgency)
