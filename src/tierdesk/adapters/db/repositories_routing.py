"""Queues, routing rules and automation rules in storage.

These are configuration rows read whole and written whole, so they go through SQLAlchemy Core
and are turned into domain values here (rule conditions are parsed by the domain on the way
out, so a stored rule is always one the domain accepts).

The event handlers read this configuration on every event (routing, the rules), often several
times in one commit. Those list reads are remembered for one database transaction only
(``memo.TransactionMemo``): a change committed by one request applies to the very next
ticket, and a change written through these repositories inside a transaction forgets what
was read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.memo import TransactionMemo
from tierdesk.adapters.db.repositories import json_array_contains
from tierdesk.adapters.db.tables_routing import (
    agent_assignment_state,
    automation_rules,
    queues,
    routing_rules,
    rule_firings,
)
from tierdesk.domain.catalog import Component, Product
from tierdesk.domain.names import name_key
from tierdesk.domain.people import Agent, Organisation, SupportPlan
from tierdesk.domain.routing import Queue, RoutingConditions, RoutingRule
from tierdesk.domain.rule_actions import parse_actions
from tierdesk.domain.rules import (
    AutomationRule,
    Prefilter,
    Trigger,
    condition_to_data,
    parse_condition,
)
from tierdesk.domain.tickets import Status
from tierdesk.ports import CatalogNames, RuleFiring

_q = queues.c
_r = routing_rules.c
_a = automation_rules.c
_f = rule_firings.c
_t = tables.tickets.c
_EPISODE = "episode:%"


_CATALOG_TYPES = (Organisation, SupportPlan, Product, Component)


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both engines support it)."""
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


def _queue(row: Row[Any]) -> Queue:
    return Queue(
        key=row.key,
        name=row.name,
        tier=row.tier,
        product_id=row.product_id,
        component_id=row.component_id,
        languages=list(row.languages),
        active=row.active,
        id=row.id,
    )


class SqlRoutingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo = TransactionMemo(session)
        # Catalogue names come from other repositories' objects: forget them when any of
        # those is written in this transaction.
        event.listen(session, "before_flush", self._forget_on_catalog_change)

    def _forget_on_catalog_change(self, session: Session, *_: object) -> None:
        changed = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, _CATALOG_TYPES) for obj in changed):
            self._memo.forget()

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # -- queues ------------------------------------------------------------------------------

    def _queue_values(self, queue: Queue) -> dict[str, Any]:
        return {
            "key": queue.key,
            "name": queue.name,
            "tier": queue.tier,
            "product_id": queue.product_id,
            "component_id": queue.component_id,
            "languages": list(queue.languages),
            "active": queue.active,
        }

    def add_queue(self, queue: Queue, at: datetime) -> None:
        self._memo.forget()
        values = self._queue_values(queue) | {"created_at": at}
        queue.id = self.session.execute(
            queues.insert().values(**values).returning(_q.id)
        ).scalar_one()

    def queue(self, key: str) -> Queue | None:
        row = self.session.execute(select(queues).where(_q.key == key)).first()
        return _queue(row) if row else None

    def queue_for_assignment(self, key: str) -> Queue | None:
        # FOR UPDATE on PostgreSQL; SQLite renders nothing (its writer holds the database).
        row = self.session.execute(select(queues).where(_q.key == key).with_for_update()).first()
        return _queue(row) if row else None

    def queues(self) -> list[Queue]:
        return list(self._memo.get("queues", self._read_queues))

    def _read_queues(self) -> list[Queue]:
        rows = self.session.execute(select(queues).order_by(_q.tier, _q.key))
        return [_queue(row) for row in rows]

    def update_queue(self, queue: Queue) -> None:
        self._memo.forget()
        self.session.execute(
            queues.update().where(_q.id == queue.id).values(**self._queue_values(queue))
        )

    def members(self, queue_key: str) -> list[Agent]:
        agents = tables.agents.c
        query = (
            select(Agent)
            .where(json_array_contains(agents.queues, queue_key, self._dialect))
            .order_by(agents.id)
        )
        return list(self.session.scalars(query))

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

    # -- routing rules -----------------------------------------------------------------------

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

    def open_tickets(self, agent_ids: Sequence[int]) -> dict[int, int]:
        self.session.flush()  # count the assignments made earlier in this transaction too
        active = [s.value for s in Status if s.is_active]
        query = (
            select(_t.assignee_id, func.count())
            .where(_t.assignee_id.in_(list(agent_ids)), _t.status.in_(active))
            .group_by(_t.assignee_id)
        )
        counts = {row[0]: int(row[1]) for row in self.session.execute(query)}
        return {agent_id: counts.get(agent_id, 0) for agent_id in agent_ids}

    def last_assigned(self, agent_ids: Sequence[int]) -> dict[int, datetime]:
        s = agent_assignment_state.c
        query = select(s.agent_id, s.last_assigned_at).where(s.agent_id.in_(list(agent_ids)))
        return {row.agent_id: row.last_assigned_at for row in self.session.execute(query)}

    def mark_assigned(self, agent_id: int, at: datetime) -> None:
        statement = _insert(self.session)(agent_assignment_state).values(
            agent_id=agent_id, last_assigned_at=at
        )
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["agent_id"], set_={"last_assigned_at": at}
            )
        )


def _automation_rule(row: Row[Any]) -> AutomationRule:
    return AutomationRule(
        name=row.name,
        trigger=Trigger(row.trigger),
        condition=parse_condition(row.condition),
        actions=parse_actions(row.actions),
        created_at=row.created_at,
        updated_at=row.updated_at,
        events=list(row.events),
        description=row.description,
        enabled=row.enabled,
        position=row.position,
        id=row.id,
    )


class SqlRuleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo = TransactionMemo(session)

    @staticmethod
    def _values(rule: AutomationRule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "name_key": name_key(rule.name),
            "description": rule.description,
            "trigger": rule.trigger.value,
            "events": list(rule.events),
            "condition": condition_to_data(rule.condition),
            "actions": [a.to_data() for a in rule.actions],
            "enabled": rule.enabled,
            "position": rule.position,
            "created_at": rule.created_at,
            "updated_at": rule.updated_at,
        }

    def add(self, rule: AutomationRule) -> None:
        self._memo.forget()
        rule.id = self.session.execute(
            automation_rules.insert().values(**self._values(rule)).returning(_a.id)
        ).scalar_one()

    def get(self, rule_id: int) -> AutomationRule | None:
        row = self.session.execute(select(automation_rules).where(_a.id == rule_id)).first()
        return _automation_rule(row) if row else None

    def get_by_name(self, name: str) -> AutomationRule | None:
        query = select(automation_rules).where(_a.name_key == name_key(name))
        row = self.session.execute(query).first()
        return _automation_rule(row) if row else None

    def all(
        self, trigger: Trigger | None = None, enabled_only: bool = False
    ) -> list[AutomationRule]:
        # Every ticket event asks for the enabled rules; one read per transaction answers.
        key = ("all", trigger, enabled_only)
        return list(self._memo.get(key, lambda: self._read_all(trigger, enabled_only)))

    def _read_all(self, trigger: Trigger | None, enabled_only: bool) -> list[AutomationRule]:
        query = select(automation_rules).order_by(_a.position, _a.id)
        if trigger is not None:
            query = query.where(_a.trigger == trigger.value)
        if enabled_only:
            query = query.where(_a.enabled.is_(True))
        return [_automation_rule(row) for row in self.session.execute(query)]

    def update(self, rule: AutomationRule) -> None:
        self._memo.forget()
        self.session.execute(
            automation_rules.update().where(_a.id == rule.id).values(**self._values(rule))
        )

    # -- firings -----------------------------------------------------------------------------

    def claim(self, rule_id: int, ticket_id: int, trigger_key: str, at: datetime) -> bool:
        # ON CONFLICT DO NOTHING: a concurrent claim of the same key waits for the first to
        # commit and then stores nothing, so exactly one of them fires.
        statement = (
            _insert(self.session)(rule_firings)
            .values(rule_id=rule_id, ticket_id=ticket_id, trigger_key=trigger_key, fired_at=at)
            .on_conflict_do_nothing(index_elements=["rule_id", "ticket_id", "trigger_key"])
            .returning(_f.id)
        )
        return self.session.execute(statement).first() is not None

    def unclaim(self, rule_id: int, ticket_id: int, trigger_key: str) -> None:
        self.session.execute(
            rule_firings.delete().where(
                _f.rule_id == rule_id, _f.ticket_id == ticket_id, _f.trigger_key == trigger_key
            )
        )

    def _episodes(self, rule_id: int, ticket_id: int) -> Any:
        return (_f.rule_id == rule_id) & (_f.ticket_id == ticket_id) & _f.trigger_key.like(_EPISODE)

    def episodes(self, rule_id: int, ticket_id: int) -> tuple[int, bool]:
        query = select(func.count(), func.count() - func.count(_f.closed_at)).where(
            self._episodes(rule_id, ticket_id)
        )
        total, still_open = self.session.execute(query).one()
        return int(total), bool(still_open)

    def close_episodes(self, rule_id: int, ticket_id: int, at: datetime) -> None:
        self.session.execute(
            rule_firings.update()
            .where(self._episodes(rule_id, ticket_id), _f.closed_at.is_(None))
            .values(closed_at=at)
        )

    def tickets_with_open_episodes(self, rule_id: int) -> list[int]:
        query = (
            select(_f.ticket_id)
            .where(_f.rule_id == rule_id, _f.trigger_key.like(_EPISODE), _f.closed_at.is_(None))
            .order_by(_f.ticket_id)
        )
        return list(self.session.scalars(query))

    def rules_with_open_episodes(self, ticket_id: int) -> list[int]:
        query = select(_f.rule_id).where(
            _f.ticket_id == ticket_id, _f.trigger_key.like(_EPISODE), _f.closed_at.is_(None)
        )
        return sorted(set(self.session.scalars(query)))

    def candidate_tickets(self, where: Prefilter, after_id: int, limit: int) -> list[int]:
        query = select(_t.id).where(_t.status != Status.CLOSED.value, _t.id > after_id)
        if where.statuses:
            query = query.where(_t.status.in_(list(where.statuses)))
        if where.updated_before is not None:
            query = query.where(_t.updated_at <= where.updated_before)
        if where.created_before is not None:
            query = query.where(_t.created_at <= where.created_before)
        return list(self.session.scalars(query.order_by(_t.id).limit(limit)))

    def status_since(self, ticket_id: int) -> datetime | None:
        events = tables.audit_events.c
        self.session.flush()
        query = select(func.max(events.at)).where(
            events.ticket_id == ticket_id, events.action == "ticket.status_changed"
        )
        value: datetime | None = self.session.scalar(query)
        return value

    def firings(self, rule_id: int, limit: int) -> list[RuleFiring]:
        query = (
            select(rule_firings)
            .where(_f.rule_id == rule_id)
            .order_by(_f.fired_at.desc(), _f.id.desc())
            .limit(limit)
        )
        return [
            RuleFiring(
                rule_id=row.rule_id,
                ticket_id=row.ticket_id,
                trigger_key=row.trigger_key,
                fired_at=row.fired_at,
                closed_at=row.closed_at,
            )
            for row in self.session.execute(query)
        ]
