"""Side effects of ticket events, in one table (STYLE: never in save hooks).

The unit of work stores a use case's audit events and, before committing, calls ``dispatch``
with them. Each handler registered for an action runs inside the same transaction, so its
changes (a routing decision, an SLA clock, a rule's action) commit or roll back with the change
that caused them. Work that must not hold the transaction (mail, webhooks) is enqueued as a task
by its handler instead of being done here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import Dispatcher, UnitOfWork
from tierdesk.services.desk import Desk

Handler = Callable[[UnitOfWork, Desk, Ticket, AuditEvent], None]

ANY_ACTION = "*"


@dataclass
class HandlerTable:
    """Handlers by audit action (``"ticket.opened"``…); ``"*"`` receives every ticket event."""

    handlers: dict[str, list[Handler]] = field(default_factory=dict)

    def on(self, *actions: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for action in actions:
                self.handlers.setdefault(action, []).append(handler)
            return handler

        return register

    def for_action(self, action: str) -> list[Handler]:
        return [*self.handlers.get(action, []), *self.handlers.get(ANY_ACTION, [])]


# The desk's handlers. Modules that react to ticket events register here with
# ``@HANDLERS.on("ticket.opened")`` and are imported by ``bootstrap``.
HANDLERS = HandlerTable()


def make_dispatcher(
    desk_provider: Callable[[], Desk], table: HandlerTable = HANDLERS
) -> Dispatcher:
    def dispatch(uow: UnitOfWork, events: list[tuple[Ticket, AuditEvent]]) -> None:
        desk = desk_provider()
        for ticket, event in events:
            for handler in table.for_action(event.action):
                handler(uow, desk, ticket, event)

    return dispatch
