"""Tickets in storage: their mapping (with messages, attachments and links) and the repository.
The ticket core's tables stay in ``tables.py``, where every other noun's queries find them."""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, event, false, func, inspect, or_, select, true
from sqlalchemy.orm import Session, joinedload, raiseload, registry, relationship
from sqlalchemy.orm.interfaces import ORMOption

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.types import ID_RANGE, id_equals, json_array_contains, storable_id
from tierdesk.domain.messages import Attachment, Message
from tierdesk.domain.tickets import LinkKind, Ticket, TicketLink
from tierdesk.domain.visibility import Scope
from tierdesk.ports.tickets import TicketFilter, TicketKeyset, TicketSort

_t = tables.tickets.c


def map_tickets(reg: registry) -> None:
    reg.map_imperatively(Attachment, tables.attachments)
    reg.map_imperatively(
        Message,
        tables.messages,
        properties={
            "attachments": relationship(
                Attachment,
                order_by=tables.attachments.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
    reg.map_imperatively(
        TicketLink,
        tables.ticket_links,
        properties={
            "source_ticket_id": tables.ticket_links.c.source_ticket_id,
        },
    )
    reg.map_imperatively(
        Ticket,
        tables.tickets,
        properties={
            "messages": relationship(
                Message,
                order_by=tables.messages.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "links": relationship(
                TicketLink,
                primaryjoin=tables.tickets.c.id == tables.ticket_links.c.source_ticket_id,
                order_by=tables.ticket_links.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
        exclude_properties=["pending_events"],
        version_id_col=tables.tickets.c.revision,
    )
    event.listen(Ticket, "load", _init_pending_events)


def _init_pending_events(ticket: Ticket, _context: Any) -> None:
    # Loading bypasses __init__, so the unsaved-events list has to be created here.
    ticket.pending_events = []


# One ticket with its messages, their attachments and its links in a single query. The mapper's
# default (a SELECT ... IN per collection) suits pages of tickets; for the one ticket every use
# case loads through ``access_ticket`` it cost three round trips and about half again the time.
# Built on first use: the attributes exist only once ``start_mappers`` has run.
@cache
def _one_ticket() -> tuple[ORMOption, ...]:
    ticket, message = inspect(Ticket).relationships, inspect(Message).relationships
    return (
        joinedload(ticket["messages"].class_attribute).joinedload(
            message["attachments"].class_attribute
        ),
        joinedload(ticket["links"].class_attribute),
    )


@cache
def _without_thread() -> tuple[ORMOption, ...]:
    # A list shows tickets, not their threads: their messages (and attachments) stay unloaded,
    # and reading them from the detached tickets fails loudly instead of showing none.
    return (raiseload(inspect(Ticket).relationships["messages"].class_attribute),)


_MANY = 5000


_SORT_COLUMNS = {
    "created": _t.created_at,
    "updated": _t.updated_at,
    "priority": _t.priority,  # "P1" < "P2" < ...: ascending is the most urgent first
}


class SqlTicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def add(self, ticket: Ticket) -> None:
        self.session.add(ticket)

    def get(self, ticket_id: int) -> Ticket | None:
        if not storable_id(ticket_id):
            return None
        return self.session.get(Ticket, ticket_id, options=_one_ticket())

    def get_by_number(self, number: str) -> Ticket | None:
        query = select(Ticket).where(_t.number == number.upper()).options(*_one_ticket())
        return self.session.scalars(query).unique().one_or_none()

    def get_many(self, ticket_ids: Collection[int]) -> list[Ticket]:
        storable = [i for i in ticket_ids if storable_id(i)]
        found: list[Ticket] = []
        # The mapper's default loading (a SELECT ... IN per collection) suits many tickets.
        # Batches keep the bound parameters well inside SQLite's limit for a huge incident.
        for start in range(0, len(storable), _MANY):
            batch = storable[start : start + _MANY]
            found.extend(self.session.scalars(select(Ticket).where(_t.id.in_(batch))))
        return found

    def _scope_clause(self, scope: Scope) -> ColumnElement[bool]:
        if scope.nothing:
            return false()
        if scope.everything:
            return true()
        if scope.organisation_id is not None:
            return _t.organisation_id == scope.organisation_id
        allowed: list[ColumnElement[bool]] = []
        if scope.max_tier is not None:
            allowed.append(_t.tier <= scope.max_tier)
        if scope.queues:
            allowed.append(_t.queue.in_(scope.queues))
        if scope.agent_id is not None:
            allowed.append(_t.assignee_id == scope.agent_id)
            allowed.append(json_array_contains(_t.followers, scope.agent_id, self._dialect))
        return or_(*allowed) if allowed else false()

    def _where(self, scope: Scope, f: TicketFilter) -> ColumnElement[bool]:
        clauses: list[ColumnElement[bool]] = [self._scope_clause(scope)]
        if f.status:
            clauses.append(_t.status.in_(list(f.status)))
        if f.priority:
            clauses.append(_t.priority.in_(list(f.priority)))
        if f.type:
            clauses.append(_t.type.in_(list(f.type)))
        if f.tier:
            clauses.append(_t.tier.in_(list(f.tier)))
        if f.queue is not None:
            clauses.append(_t.queue == f.queue)
        if f.unassigned:
            clauses.append(_t.assignee_id.is_(None))
        elif f.assignee_id is not None:
            clauses.append(id_equals(_t.assignee_id, f.assignee_id))
        if f.organisation_id is not None:
            clauses.append(id_equals(_t.organisation_id, f.organisation_id))
        if f.requester_id is not None:
            clauses.append(id_equals(_t.requester_id, f.requester_id))
        if f.product_id is not None:
            clauses.append(id_equals(_t.product_id, f.product_id))
        if f.updated_since is not None:
            clauses.append(_t.updated_at >= f.updated_since)
        if f.tag:
            clauses.append(json_array_contains(_t.tags, f.tag, self._dialect))
        if f.text:
            pattern = (
                "%" + f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            clauses.append(
                or_(_t.subject.ilike(pattern, escape="\\"), _t.number == f.text.strip().upper())
            )
        return and_(*clauses)

    def page(
        self,
        scope: Scope,
        filters: TicketFilter,
        limit: int,
        before_id: int | None,
        thread: bool = True,
        *,
        sort: TicketSort | None = None,
        after: TicketKeyset | None = None,
    ) -> list[Ticket]:
        query = select(Ticket).where(self._where(scope, filters))
        if not thread:
            query = query.options(*_without_thread())
        if before_id is not None and before_id < ID_RANGE.stop:  # else every id is below it
            query = query.where(_t.id < max(before_id, ID_RANGE.start))
        if sort is None:
            return list(self.session.scalars(query.order_by(_t.id.desc()).limit(limit)))
        # Keyset on (sort value, id): a page resumes after the last row shown, so a ticket
        # opened or changed meanwhile neither repeats nor shifts the next page (an offset would).
        column = _SORT_COLUMNS[sort.key]
        if after is not None:
            last_id = after.id  # the endpoint refuses a cursor naming no storable id
            if sort.descending:
                beyond = or_(column < after.value, and_(column == after.value, _t.id < last_id))
            else:
                beyond = or_(column > after.value, and_(column == after.value, _t.id > last_id))
            query = query.where(beyond)
        order = (column.desc(), _t.id.desc()) if sort.descending else (column, _t.id)
        return list(self.session.scalars(query.order_by(*order).limit(limit)))

    def count(self, scope: Scope, filters: TicketFilter) -> int:
        query = select(func.count()).select_from(tables.tickets).where(self._where(scope, filters))
        return int(self.session.scalar(query) or 0)

    def linked_to(self, ticket_id: int) -> list[Ticket]:
        """Tickets that link to this one (the other side of its links)."""
        links = tables.ticket_links.c
        query = (
            select(Ticket)
            .join(tables.ticket_links, links.source_ticket_id == _t.id)
            .where(links.target_ticket_id == ticket_id)
            .order_by(_t.id)
        )
        return list(self.session.scalars(query).unique())

    def merged_into(self, ticket_ids: Collection[int]) -> list[Ticket]:
        """Tickets merged into any of these (their merged-into link points at one)."""
        storable = [i for i in ticket_ids if storable_id(i)]
        if not storable:
            return []
        links = tables.ticket_links.c
        query = (
            select(Ticket)
            .join(tables.ticket_links, links.source_ticket_id == _t.id)
            .where(links.target_ticket_id.in_(storable), links.kind == LinkKind.MERGED_INTO)
            .order_by(_t.id)
        )
        return list(self.session.scalars(query).unique())

    def visible_ids(self, scope: Scope, ticket_ids: Collection[int]) -> set[int]:
        """Of these tickets, the ones the scope may see (the list filter's rule, for links)."""
        storable = [i for i in ticket_ids if storable_id(i)]
        if not storable:
            return set()
        query = select(_t.id).where(_t.id.in_(storable), self._scope_clause(scope))
        return set(self.session.scalars(query))
