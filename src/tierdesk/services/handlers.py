"""Side effects of ticket events, in one table (STYLE: never in save hooks; cosmicpython's
``EVENT_HANDLERS``).

The unit of work stores a use case's audit events and, before committing, calls ``dispatch``
with them. Each handler listed for an action runs inside the same transaction, so its changes
(a routing decision, an SLA clock, a rule's action) commit or roll back with the change that
caused them. Work that must not hold the transaction (mail, webhooks) is enqueued as a task by
its handler instead of being done here; so is a new ticket's and a new message's slower work
(enrichment, triage, outage detection, indexing…), listed in ``FOLLOW_UPS`` and run by the job
``tickets.follow_up`` after the commit (``services/follow_ups.py``).

Handlers run in the order listed: first the action's own, then those for every event
(``ANY_ACTION``). What one handler changes on the ticket raises new events, dispatched in the
next round, so the order matters only where a handler reads what another stores in the same
round; each such constraint is commented where it applies (and tested in
``tests/test_event_handlers.py``). When no handler raises more, ``SETTLED_HANDLERS`` run once per
ticket with all of its events (the search index: once per transaction, not once per round).
Nothing registers itself on import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.imports import TICKET_IMPORTED
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import Dispatcher, UnitOfWork
from tierdesk.services import (
    answer_outcomes,
    answers,
    enrichment,
    follow_ups,
    installed_base_tickets,
    knowledge_gaps,
    mail_outbox,
    notifications,
    outages,
    routing,
    rules,
    search,
    sla_clocks,
    triage,
    webhooks,
)
from tierdesk.services.desk import Desk
from tierdesk.services.follow_ups import FOLLOW_UP_TASK, run_follow_up
from tierdesk.services.jobs import TASKS

Handler = Callable[[UnitOfWork, Desk, Ticket, AuditEvent], None]
HandlerTable = Mapping[str, Sequence[Handler]]

ANY_ACTION = "*"

EVENT_HANDLERS: HandlerTable = {
    # In the opening transaction only what must be decided before the ticket is acknowledged;
    # the rest follows as a job (FOLLOW_UPS below), enqueued last.
    "ticket.opened": (
        # A matching rule places the ticket as it was opened (its language is settled before it
        # is stored: services/languages.py). Rules read the ticket's own fields, product,
        # component, plan and language, never the facts enrichment stores (domain/routing.py::
        # TicketFacts), so routing decides now; triage, later, may place it only while no rule
        # has (its queue guess waits for an unrouted L0).
        routing.route_new_ticket,
        # The acknowledgement reads the same settled language.
        mail_outbox.queue_acknowledgement,
        # Free to go anywhere: the clocks start at the level the opening event names, and
        # what routing or triage change reaches them as events of the next round (or of the
        # follow-up's transaction).
        sla_clocks.start_clocks_on_opening,
        follow_ups.follow_up,
    ),
    # Independent of one another.
    "message.added": (
        # A customer writing back on a sent answer says it did not solve it (issue 17).
        answer_outcomes.reply_means_no,
        mail_outbox.queue_public_reply,
        sla_clocks.follow_the_conversation,
        # Enrichment and matching of the new message, then its indexing: a job (FOLLOW_UPS).
        follow_ups.follow_up,
    ),
    "ticket.status_changed": (sla_clocks.follow_the_status,),
    "ticket.merged_into": (sla_clocks.stop_clocks_on_merging,),
    "ticket.priority_changed": (sla_clocks.retarget_on_priority,),
    # Independent: routing between levels moves only the queue; the clocks follow the level.
    "ticket.escalated": (
        routing.route_between_levels,
        sla_clocks.follow_the_level,
        # After routing: names the queue the ticket went to, told to who works it.
        notifications.notify_escalation_received,
    ),
    "ticket.de_escalated": (routing.route_between_levels, sla_clocks.follow_the_level),
    "ticket.routed": (sla_clocks.follow_the_level,),
    # History, stored as it was (services/imports.py): nothing reacts — no acknowledgement or
    # reply mail, no SLA clock, no routing, triage or enrichment; of the every-event handlers
    # the index leaves it to the import's end and rules ignore it (search.py, rules.py). One
    # event for a whole ticket rather than replayed "opened"/"message.added" events, whose
    # handlers would do all of that.
    TICKET_IMPORTED: (),
    "ticket.assigned": (sla_clocks.follow_the_assignee,),
    "escalation.accepted": (sla_clocks.follow_the_assignee,),
    "escalation.bounced": (sla_clocks.follow_the_assignee,),
    # A follow-the-sun hand-over taken by the next region: a new assignee, like an assignment.
    "ticket.handover_accepted": (sla_clocks.follow_the_assignee,),
    # Every event, after the action's own handlers.
    ANY_ACTION: (
        # What a rule's action changes is an event of the next round; rules never trigger
        # rules (services/rules.py).
        rules.run_event_rules,
        # Webhooks see the ticket as this round left it; what later rounds change is their
        # own event (docs/webhooks.md).
        webhooks.queue_ticket_event,
    ),
}

# What the handlers above will read of the desk's configuration, read by the unit of work
# before the transaction's first write, into the same per-transaction memos the handlers then
# find it in. On SQLite the one writer is taken at that write and held until the commit: a
# new ticket's policy, calendars, level targets, rules and webhooks need not be read while it
# is held and every other writer waits (issue 19). Each mirrors its handler's reads, not its
# decisions, and changes nothing; a read the handler then skips only costs its time.
READ_AHEAD: HandlerTable = {
    "ticket.opened": (routing.read_ahead_new_ticket, sla_clocks.read_ahead_opening),
    ANY_ACTION: (rules.read_ahead_rules, webhooks.read_ahead_subscribers),
}

# Once per ticket that had events in the transaction, after the last round, with all of them.
SettledHandler = Callable[[UnitOfWork, Desk, Ticket, Sequence[AuditEvent]], None]
SETTLED_HANDLERS: tuple[SettledHandler, ...] = (
    # The ticket as the transaction leaves it, indexed once (it was once per round: three
    # times for a new ticket); not when a follow-up job will (services/follow_ups.py).
    search.index_settled_ticket,
)

# The job tickets.follow_up (services/follow_ups.py): per event, its steps in order, each step
# one unit of work; a step's handlers run in the order listed, on the ticket as committed.
FOLLOW_UPS: Mapping[str, Sequence[Sequence[Handler]]] = {
    "ticket.opened": (
        (
            # Enrichment first: matching, outages and triage read the facts it stores. It may
            # also ask the customer a clarifying question (a message: its own follow-up).
            enrichment.enrich_ticket,
            # After enrichment: matches the installed items by the facts it stored.
            installed_base_tickets.match_ticket,
        ),
        # Searchable as soon as it is read, before the slower guesses.
        (search.index_ticket,),
        (
            # After enrichment (an earlier step): compares the new ticket's error codes.
            outages.detect_outage,
            # After enrichment (cold start reads the facts) and after routing (the opening
            # transaction): places the ticket only while it is an unrouted L0 one; what it
            # changes raises events in this step's transaction.
            triage.triage_new_ticket,
            # Only enqueues its look-up: reads nothing the others store.
            knowledge_gaps.check_new_ticket,
            # After routing and triage: enqueues the answerer when the ticket's queue answers
            # (issue 17).
            answers.answer_new_ticket,
        ),
    ),
    "message.added": (
        (enrichment.enrich_ticket, installed_base_tickets.match_ticket),  # as on opening
        (search.index_ticket,),
    ),
}


@TASKS.task(FOLLOW_UP_TASK, max_attempts=8)
def follow_up_ticket(desk: Desk, payload: dict[str, Any]) -> None:
    """A new ticket's or message's follow-up (services/follow_ups.py)."""
    run_follow_up(desk, payload, FOLLOW_UPS)


def handlers_for(table: HandlerTable, action: str) -> list[Handler]:
    """The handlers an event runs, in order: the action's own, then every event's."""
    return [*table.get(action, ()), *table.get(ANY_ACTION, ())]


class TableDispatcher:
    """The unit of work's dispatcher (ports.Dispatcher) over a handler table."""

    def __init__(
        self,
        desk_provider: Callable[[], Desk],
        table: HandlerTable,
        settled: Sequence[SettledHandler],
        read_ahead: HandlerTable,
    ) -> None:
        self._desk = desk_provider
        self._table = table
        self._settled = settled
        self._read_ahead = read_ahead

    def __call__(self, uow: UnitOfWork, events: list[tuple[Ticket, AuditEvent]]) -> None:
        desk = self._desk()
        for ticket, event in events:
            for handler in handlers_for(self._table, event.action):
                handler(uow, desk, ticket, event)

    def read_ahead(self, uow: UnitOfWork, events: list[tuple[Ticket, AuditEvent]]) -> None:
        desk = self._desk()
        for ticket, event in events:  # a reader met again finds its reads remembered
            for reader in handlers_for(self._read_ahead, event.action):
                reader(uow, desk, ticket, event)

    def settle(self, uow: UnitOfWork, tickets: list[tuple[Ticket, list[AuditEvent]]]) -> None:
        desk = self._desk()
        for ticket, events in tickets:
            for handler in self._settled:
                handler(uow, desk, ticket, events)


def make_dispatcher(
    desk_provider: Callable[[], Desk],
    table: HandlerTable = EVENT_HANDLERS,
    settled: Sequence[SettledHandler] = SETTLED_HANDLERS,
    read_ahead: HandlerTable = READ_AHEAD,
) -> Dispatcher:
    return TableDispatcher(desk_provider, table, settled, read_ahead)
