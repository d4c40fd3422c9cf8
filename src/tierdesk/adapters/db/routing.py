"""Routing in storage (``services/routing.py``): the ordered routing rules, what assignment needs
to know about agents (open tickets, round robin), and the catalogue names rules match on.

Routing rules are configuration rows read whole and written whole, so they go through SQLAlchemy
Core and are turned into domain values here (conditions are parsed by the domain on the way out,
so a stored rule is always one the domain accepts). Routing a new ticket takes them from the
process's reference cache (``services/reference_data.py``, versioned by triggers: migration
0039); other readers (routing between levels, the admin pages) read them here, remembered for
one database transaction only (the memo shared with the queues, ``memo.TransactionMemo.
shared``), so a change committed by one request applies to the very next ticket, and a change
written inside a transaction forgets what was read."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    Row,
    Select,
    String,
    Table,
    bindparam,
    event,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.memo import TransactionMemo
from tierdesk.adapters.db.queues import ROUTING_MEMO, queues
from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import UtcDateTime, json_array_contains
from tierdesk.domain.catalog import Component, Product
from tierdesk.domain.people import Agent, Organisation, SupportPlan
from tierdesk.domain.routing import Candidate, RoutingConditions, RoutingRule
from tierdesk.domain.tickets import Status
from tierdesk.ports.routing import CatalogNames

routing_rules = Table(
    "routing_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("position", Integer, nullable=False),
    Column("conditions", json_value(), nullable=False),
    Column("queue_id", ForeignKey("queues.id"), nullable=False, index=True),
    Column("assign", Boolean, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# When routing last gave each agent a ticket: round robin among equals, fair across processes.
agent_assignment_state = Table(
    "agent_assignment_state",
    metadata,
    Column("agent_id", ForeignKey("agents.id"), primary_key=True),
    Column("last_assigned_at", UtcDateTime, nullable=False),
)

_q = queues.c
_r = routing_rules.c
_t = tables.tickets.c

_CATALOG_TYPES = (Organisation, SupportPlan, Product, Component)


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both engines support it)."""
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


_LOCK_QUEUE = select(_q.id).where(_q.key == bindparam("queue_key")).with_for_update()


@cache
def _candidates_query(dialect: str) -> Select[Any]:
    """The queue outer-joined to its members, each with their open tickets and when routing
    last gave them one: one row with no agent for a queue nobody is in, none for no such queue.
    Built once per engine kind (it runs inside SQLite's writer, on every routed ticket)."""
    agents, state = tables.agents.c, agent_assignment_state.c
    active = [s.value for s in Status if s.is_active]
    open_tickets = (
        select(func.count())
        .where(_t.assignee_id == agents.id, _t.status.in_(active))
        .scalar_subquery()
    )
    last = select(state.last_assigned_at).where(state.agent_id == agents.id).scalar_subquery()
    key = bindparam("queue_key", type_=String)
    return (
        select(_q.id, Agent, open_tickets, last)
        .select_from(queues)
        .outerjoin(Agent, json_array_contains(agents.queues, key, dialect))
        .where(_q.key == key)
        .order_by(agents.id)
    )


class SqlRoutingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo = TransactionMemo.shared(session, ROUTING_MEMO)
        # Catalogue names come from other repositories' objects: forget them when any of
        # those is written in this transaction.
        event.listen(session, "before_flush", self._forget_on_catalog_change)

    def _forget_on_catalog_change(self, session: Session, *_: object) -> None:
        changed = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, _CATALOG_TYPES) for obj in changed):
            self._memo.forget()

    def catalog_names(
        self, organisation_id: int, product_id: int | None, component_id: int | None
    ) -> CatalogNames:
        key = ("catalog", organisation_id, product_id, component_id)
        return self._memo.get(
            key, lambda: self._read_catalog_names(organisation_id, product_id, component_id)
        )

    def _read_catalog_names(
        self, organisation_id: int, product_id: int | None, component_id: int | None
    ) -> CatalogNames:
        products, components = tables.products.c, tables.components.c
        plans, organisations = tables.support_plans.c, tables.organisations.c
        plan = (
            select(plans.key)
            .join(tables.organisations, organisations.plan_id == plans.id)
            .where(organisations.id == organisation_id)
            .scalar_subquery()
        )
        query = select(
            select(products.key).where(products.id == product_id).scalar_subquery(),
            select(products.name).where(products.id == product_id).scalar_subquery(),
            select(components.name).where(components.id == component_id).scalar_subquery(),
            plan,
        )
        row = self.session.execute(query).one()
        return CatalogNames(row[0], row[1], row[2], row[3])

    def _rule_values(self, rule: RoutingRule) -> dict[str, Any]:
        queue_id = self.session.scalar(select(_q.id).where(_q.key == rule.queue))
        if queue_id is None:
            raise LookupError(f"queue {rule.queue!r} vanished")  # the service checked it
        return {
            "name": rule.name,
            "position": rule.position,
            "conditions": rule.conditions.to_dict(),
            "queue_id": queue_id,
            "assign": rule.assign,
            "enabled": rule.enabled,
        }

    def add_rule(self, rule: RoutingRule, at: datetime) -> None:
        self._memo.forget()
        values = self._rule_values(rule) | {"created_at": at, "updated_at": at}
        rule.id = self.session.execute(
            routing_rules.insert().values(**values).returning(_r.id)
        ).scalar_one()

    def _rules_query(self) -> Any:
        return (
            select(routing_rules, _q.key.label("queue_key"))
            .join(queues, _q.id == _r.queue_id)
            .order_by(_r.position, _r.id)
        )

    @staticmethod
    def _rule(row: Row[Any]) -> RoutingRule:
        return RoutingRule(
            name=row.name,
            queue=row.queue_key,
            conditions=RoutingConditions.of(dict(row.conditions)),
            position=row.position,
            assign=row.assign,
            enabled=row.enabled,
            id=row.id,
        )

    def rule(self, rule_id: int) -> RoutingRule | None:
        row = self.session.execute(self._rules_query().where(_r.id == rule_id)).first()
        return self._rule(row) if row else None

    def rules(self) -> list[RoutingRule]:
        return list(self._memo.get("rules", self._read_rules))

    def _read_rules(self) -> list[RoutingRule]:
        return [self._rule(row) for row in self.session.execute(self._rules_query())]

    def update_rule(self, rule: RoutingRule, at: datetime) -> None:
        self._memo.forget()
        values = self._rule_values(rule) | {"updated_at": at}
        self.session.execute(routing_rules.update().where(_r.id == rule.id).values(**values))

    def delete_rule(self, rule_id: int) -> None:
        self._memo.forget()
        self.session.execute(routing_rules.delete().where(_r.id == rule_id))

    # -- what assignment needs ---------------------------------------------------------------

    def candidates(self, queue_key: str) -> list[Candidate] | None:
        self.session.flush()  # count the assignments made earlier in this transaction too
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            # The queue row locked until commit, in a statement of its own: one that waited for
            # the lock would still count from the snapshot it began with (READ COMMITTED reads
            # only the locked row again). SQLite's one writer already holds the whole database.
            self.session.execute(_LOCK_QUEUE, {"queue_key": queue_key})
        rows = self.session.execute(_candidates_query(dialect), {"queue_key": queue_key}).all()
        if not rows:
            return None
        return [Candidate(row[1], int(row[2]), row[3]) for row in rows if row[1] is not None]

    def mark_assigned(self, agent_id: int, at: datetime) -> None:
        statement = _insert(self.session)(agent_assignment_state).values(
            agent_id=agent_id, last_assigned_at=at
        )
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["agent_id"], set_={"last_assigned_at": at}
            )
        )
