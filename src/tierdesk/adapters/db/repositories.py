"""Repositories: how the services find and store domain objects. No commits here: the unit of
work owns the transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, and_, exists, false, func, inspect, or_, select, true
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.interfaces import ORMOption

from tierdesk.adapters.db import tables
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.audit_query import AuditQuery
from tierdesk.domain.catalog import Product
from tierdesk.domain.messages import Message
from tierdesk.domain.names import name_key
from tierdesk.domain.people import Agent, Contact, Organisation, SupportPlan
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import Scope
from tierdesk.ports import StoredToken, TicketFilter

_t = tables.tickets.c

# Ids are INTEGER columns (32 bits on PostgreSQL). A number outside that range names no row, but
# binding it raises on both engines (an overflow on SQLite, "integer out of range" on PostgreSQL),
# so lookups answer "not found" without asking the database.
_ID_RANGE = range(-(2**31), 2**31)


def _storable_id(value: int) -> bool:
    return value in _ID_RANGE


def _id_equals(column: ColumnElement[int | None], value: int) -> ColumnElement[bool]:
    return column == value if _storable_id(value) else false()


def json_array_contains(
    column: ColumnElement[object], value: str | int, dialect: str
) -> ColumnElement[bool]:
    """``value in column`` for a JSON array column, on either engine."""
    if dialect == "postgresql":
        return column.op("@>")(func.jsonb_build_array(value))
    each = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == value))


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


class SqlTicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def add(self, ticket: Ticket) -> None:
        self.session.add(ticket)

    def get(self, ticket_id: int) -> Ticket | None:
        if not _storable_id(ticket_id):
            return None
        return self.session.get(Ticket, ticket_id, options=_one_ticket())

    def get_by_number(self, number: str) -> Ticket | None:
        query = select(Ticket).where(_t.number == number.upper()).options(*_one_ticket())
        return self.session.scalars(query).unique().one_or_none()

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
            clauses.append(_id_equals(_t.assignee_id, f.assignee_id))
        if f.organisation_id is not None:
            clauses.append(_id_equals(_t.organisation_id, f.organisation_id))
        if f.requester_id is not None:
            clauses.append(_id_equals(_t.requester_id, f.requester_id))
        if f.product_id is not None:
            clauses.append(_id_equals(_t.product_id, f.product_id))
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
        self, scope: Scope, filters: TicketFilter, limit: int, before_id: int | None
    ) -> list[Ticket]:
        query = select(Ticket).where(self._where(scope, filters))
        if before_id is not None and before_id < _ID_RANGE.stop:  # else every id is below it
            query = query.where(_t.id < max(before_id, _ID_RANGE.start))
        query = query.order_by(_t.id.desc()).limit(limit)
        return list(self.session.scalars(query))

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

    def visible_ids(self, scope: Scope, ticket_ids: Collection[int]) -> set[int]:
        """Of these tickets, the ones the scope may see (the list filter's rule, for links)."""
        storable = [i for i in ticket_ids if _storable_id(i)]
        if not storable:
            return set()
        query = select(_t.id).where(_t.id.in_(storable), self._scope_clause(scope))
        return set(self.session.scalars(query))


class SqlAgentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, agent: Agent) -> None:
        self.session.add(agent)

    def get(self, agent_id: int) -> Agent | None:
        if not _storable_id(agent_id):
            return None
        return self.session.get(Agent, agent_id)

    def get_by_email(self, email: str) -> Agent | None:
        return self.session.scalars(select(Agent).where(tables.agents.c.email == email)).first()

    def all(self) -> list[Agent]:
        return list(self.session.scalars(select(Agent).order_by(tables.agents.c.id)))


class SqlContactRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, contact: Contact) -> None:
        self.session.add(contact)

    def get(self, contact_id: int) -> Contact | None:
        if not _storable_id(contact_id):
            return None
        return self.session.get(Contact, contact_id)

    def get_by_email(self, email: str) -> Contact | None:
        query = select(Contact).where(tables.contacts.c.email == email)
        return self.session.scalars(query).first()

    def all(self, organisation_id: int | None = None) -> list[Contact]:
        query = select(Contact).order_by(tables.contacts.c.id)
        if organisation_id is not None:
            query = query.where(_id_equals(tables.contacts.c.organisation_id, organisation_id))
        return list(self.session.scalars(query))


class SqlOrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, organisation: Organisation) -> None:
        self.session.add(organisation)

    def get(self, organisation_id: int) -> Organisation | None:
        if not _storable_id(organisation_id):
            return None
        return self.session.get(Organisation, organisation_id)

    def get_by_name(self, name: str) -> Organisation | None:
        query = select(Organisation).where(tables.organisations.c.name_key == name_key(name))
        return self.session.scalars(query).first()

    def all(self) -> list[Organisation]:
        return list(self.session.scalars(select(Organisation).order_by(tables.organisations.c.id)))

    def plan(self, key: str) -> SupportPlan | None:
        query = select(SupportPlan).where(tables.support_plans.c.key == key)
        return self.session.scalars(query).first()

    def plan_by_id(self, plan_id: int) -> SupportPlan | None:
        if not _storable_id(plan_id):
            return None
        return self.session.get(SupportPlan, plan_id)

    def plans(self) -> list[SupportPlan]:
        return list(self.session.scalars(select(SupportPlan).order_by(tables.support_plans.c.id)))

    def add_plan(self, plan: SupportPlan) -> None:
        self.session.add(plan)


class SqlProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, product: Product) -> None:
        self.session.add(product)

    def get(self, product_id: int) -> Product | None:
        if not _storable_id(product_id):
            return None
        return self.session.get(Product, product_id)

    def get_by_key(self, key: str) -> Product | None:
        query = select(Product).where(
            or_(
                tables.products.c.key == key.strip().lower(),
                tables.products.c.name_key == name_key(key),
            )
        )
        return self.session.scalars(query).first()

    def all(self) -> list[Product]:
        return list(self.session.scalars(select(Product).order_by(tables.products.c.id)))


class SqlAuditLog:
    """Adds and reads audit events. There is no update or delete: the tables refuse both."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, event: AuditEvent) -> None:
        self.session.add(event)

    def for_ticket(self, ticket_id: int, *, public_only: bool) -> list[AuditEvent]:
        a = tables.audit_events.c
        query = select(AuditEvent).where(a.ticket_id == ticket_id)
        if public_only:
            query = query.where(a.public.is_(True))
        return list(self.session.scalars(query.order_by(a.id)))

    def search(self, query: AuditQuery) -> list[AuditEvent]:
        # Newest first by id, the order events were recorded in: the primary key serves both the
        # order and the keyset cursor, so a page reads a bounded slice without a sort.
        a = tables.audit_events.c
        conditions: list[ColumnElement[bool]] = []
        if query.entity:
            conditions.append(a.subject_type == query.entity)
        if query.actor is not None:
            conditions.append(a.actor_kind == query.actor.kind)
            if query.actor.id is not None:
                conditions.append(a.actor_id == query.actor.id)
        if query.action_prefix:
            # autoescape: "sla_policy." must not read "_" as LIKE's any-character.
            conditions.append(a.action.startswith(query.action_prefix, autoescape=True))
        if query.since is not None:
            conditions.append(a.at >= query.since)
        if query.until is not None:
            conditions.append(a.at < query.until)
        if query.before_id is not None:
            conditions.append(a.id < query.before_id)
        statement = (
            select(AuditEvent).where(*conditions).order_by(a.id.desc()).limit(query.limit + 1)
        )
        return list(self.session.scalars(statement))

    def subject_types(self) -> list[str]:
        a = tables.audit_events.c
        kinds = select(a.subject_type).distinct().order_by(a.subject_type)
        return list(self.session.scalars(kinds))


class SqlTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, principal_kind: str, principal_id: int, digest: str, label: str, created_at: datetime
    ) -> int:
        result = self.session.execute(
            tables.api_tokens.insert()
            .values(
                digest=digest,
                principal_kind=principal_kind,
                principal_id=principal_id,
                label=label,
                created_at=created_at,
                revoked=False,
            )
            .returning(tables.api_tokens.c.id)
        )
        return int(result.scalar_one())

    def find(self, digest: str) -> StoredToken | None:
        t = tables.api_tokens.c
        row = self.session.execute(
            select(t.id, t.principal_kind, t.principal_id).where(
                t.digest == digest, t.revoked.is_(False)
            )
        ).first()
        if row is None:
            return None
        return StoredToken(
            principal_kind=row.principal_kind, principal_id=row.principal_id, token_id=row.id
        )

    def touch(self, token_id: int, at: datetime) -> None:
        t = tables.api_tokens
        self.session.execute(t.update().where(t.c.id == token_id).values(last_used_at=at))
