"""Side effects of ticket events, in one table (STYLE: never in save hooks; cosmicpython's
``EVENT_HANDLERS``).

The unit of work stores a use case's audit events and, before committing, calls ``dispatch``
with them. Each handler listed for an action runs inside the same transaction, so its changes
(a routing decision, an SLA clock, a rule's action) commit or roll back with the change that
caused them. Work that must not hold the transaction (mail, webhooks) is enqueued as a task by
its handler instead of being done here.

Handlers run in the order listed: first the action's own, then those for every event
(``ANY_ACTION``). What one handler changes on the ticket raises new events, dispatched in the
next round, so the order matters only where a handler reads what another stores in the same
round; each such constraint is commented where it applies (and tested in
``tests/test_event_handlers.py``). Nothing registers itself on import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.imports import TICKET_IMPORTED
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import Dispatcher, UnitOfWork
from tierdesk.services import (
    answer_outcomes,
    answers,
    enrichment,
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

Handler = Callable[[UnitOfWork, Desk, Ticket, AuditEvent], None]
HandlerTable = Mapping[str, Sequence[Handler]]

ANY_ACTION = "*"

EVENT_HANDLERS: HandlerTable = {
    "ticket.opened": (
        # Routing first: a matching rule places the ticket as it was opened (its language is
        # settled before it is stored: services/languages.py), and triage may place it only
        # while no rule has (its queue guess waits for an unrouted L0).
        routing.route_new_ticket,
        # The acknowledgement reads the same settled language.
        mail_outbox.queue_acknowledgement,
        # Enrichment before outages and triage: they read the facts it stores.
        enrichment.enrich_ticket,
        # After enrichment: matches the installed items by the facts it stored.
        installed_base_tickets.match_ticket,
        outages.detect_outage,
        # Free to go anywhere: the clocks start at the level the opening event names, and
        # what routing or triage change reaches them as events of the next round.
        sla_clocks.start_clocks_on_opening,
        triage.triage_new_ticket,
        # Only enqueues its look-up: reads nothing the others store.
        knowledge_gaps.check_new_ticket,
        # After routing: enqueues the answerer when the ticket's queue answers (issue 17).
        answers.answer_new_ticket,
    ),
    # Independent of one another.
    "message.added": (
        # A customer writing back on a sent answer says it did not solve it (issue 17).
        answer_outcomes.reply_means_no,
        mail_outbox.queue_public_reply,
        enrichment.enrich_ticket,
        installed_base_tickets.match_ticket,  # after enrichment, as on opening
        sla_clocks.follow_the_conversation,
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
        # The index gets the ticket as this round's handlers left it.
        search.index_ticket,
        # What a rule's action changes is an event of the next round (indexed then); rules
        # never trigger rules (services/rules.py).
        rules.run_event_rules,
        # Webhooks see the ticket as this round left it; what later rounds change is their
        # own event (docs/webhooks.md).
        webhooks.queue_ticket_event,
    ),
}


def handlers_for(table: HandlerTable, action: str) -> list[Handler]:
    """The handlers an event runs, in order: the action's own, then every event's."""
    return [*table.get(action, ()), *table.get(ANY_ACTION, ())]


def make_dispatcher(
    desk_provider: Callable[[], Desk], table: HandlerTable = EVENT_HANDLERS
) -> Dispatcher:
    def dispatch(uow: UnitOfWork, events: list[tuple[Ticket, AuditEvent]]) -> None:
        desk = desk_provider()
        for ticket, event in events:
            for handler in handlers_for(table, event.action):
                handler(uow, desk, ticket, event)

    return dispatch
