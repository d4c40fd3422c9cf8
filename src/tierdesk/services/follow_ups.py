"""A new ticket's and a new message's slower work, after the commit that stored them.

Opening a ticket (or adding a message) commits in one short transaction: the ticket and its
message, the audit events, the language (settled before storing), routing's decision, the SLA
clocks, the acknowledgement's outbox row, the webhooks' deliveries and, enqueued by the handler
here, one job ``tickets.follow_up`` — stored if and only if the ticket commits. The job runs the
steps ``services/handlers.py::FOLLOW_UPS`` lists for the event: for a new ticket enrichment and
installed-base matching, then indexing, then outage detection, triage, the knowledge-gap look-up
and the answerer's enqueue; for a new message enrichment, matching and indexing.

Each step is its own unit of work, so no transaction holds SQLite's one writer through a
model's prediction or an embedding while requests wait to store tickets, and what a step changes
on the ticket (triage placing an unrouted L0 ticket) raises its own events in its own
transaction. Delivery is at least once (``services/jobs.py``): a step that fails is retried
with the job, and every step is idempotent — each message is enriched once
(``enriched_messages``, in the transaction that stores its facts), matching links an item once,
outage detection merges into the open proposal, triage predicts once per ticket, the
knowledge-gap look-up and the answerer are keyed per ticket, and indexing stores the ticket's
documents as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import TicketNotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import enqueue

FOLLOW_UP_TASK = "tickets.follow_up"

# The events whose work follows as a job; the transaction that raised them does not index the
# ticket either (services/search.py::index_settled_ticket): the job does, once it has read it.
FOLLOWED_UP = ("ticket.opened", "message.added")

Step = Sequence[Callable[[UnitOfWork, Desk, Ticket, AuditEvent], None]]
FollowUps = Mapping[str, Sequence[Step]]


def needs_follow_up(desk: Desk) -> bool:
    """A desk without retrieval and without the understanding engines has nothing to follow
    up (nothing is indexed, enriched or triaged)."""
    return desk.search is not None or desk.understanding is not None


def follow_up(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """Event handler (``ticket.opened``, ``message.added``): enqueue the event's follow-up in
    the same transaction. One job per transaction and ticket: the key names the ticket's newest
    message, so opening a ticket with its first message (two events) enqueues the opening's
    job only — its event comes first — and two messages added at once enqueue one job, which
    reads both."""
    if not needs_follow_up(desk) or ticket.id is None or event.id is None:
        return
    newest = max((m.id for m in ticket.messages if m.id is not None), default=0)
    enqueue(
        uow,
        FOLLOW_UP_TASK,
        {"ticket_id": ticket.id, "event_id": event.id, "action": event.action},
        at=event.at,
        key=f"follow-up:{ticket.id}:{newest}",
    )


def run_follow_up(desk: Desk, payload: dict[str, Any], steps: FollowUps) -> None:
    """The job's body: each step of the event's follow-up in its own unit of work, on the
    ticket and event as committed. A ticket gone since (deleted with its organisation) has
    nothing left to follow up."""
    for step in steps.get(str(payload["action"]), ()):
        with desk.uow() as uow:
            loaded = _load(uow, desk, payload)
            if loaded is None:
                return
            ticket, event = loaded
            for handler in step:
                handler(uow, desk, ticket, event)
            uow.commit()


def _load(uow: UnitOfWork, desk: Desk, payload: dict[str, Any]) -> tuple[Ticket, AuditEvent] | None:
    try:
        ticket = access_ticket(uow, SYSTEM, int(payload["ticket_id"]), desk.ticket_prefix)
    except TicketNotFoundError:
        return None
    assert ticket.id is not None
    event = uow.audit.of_ticket(ticket.id, int(payload["event_id"]))
    return None if event is None else (ticket, event)
