"""Automation rules and their firings in storage (``services/rules.py``).

Rules are configuration rows read whole and written whole through SQLAlchemy Core; their
condition and actions are JSON, parsed and checked by ``domain/rules.py`` on the way in and on the
way out, so a stored rule is always one the domain accepts. Every ticket event asks for the
enabled rules: that read is remembered for one database transaction (``memo.TransactionMemo``).
A firing is claimed with ``INSERT … ON CONFLICT DO NOTHING`` on its unique key, which is what
makes "at most once" hold between concurrent transactions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.memo import TransactionMemo
from tierdesk.adapters.db.tables import json_value, metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.names import name_key
from tierdesk.domain.rule_actions import parse_actions
from tierdesk.domain.rules import (
    AutomationRule,
    Prefilter,
    Trigger,
    condition_to_data,
    parse_condition,
)
from tierdesk.domain.tickets import Status
from tierdesk.ports.rules import RuleFiring

automation_rules = Table(
    "automation_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("name_key", String(240), nullable=False),  # domain.names.name_key(name)
    Column("description", Text, nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("events", json_value(), nullable=False),
    Column("condition", json_value(), nullable=False),
    Column("actions", json_value(), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("uq_automation_rules_name_key", "name_key", unique=True),
)

# One row per firing. The unique key is what makes "at most once": ``event:<audit event id>``
# for event rules, ``episode:<n>`` for time rules (closed when the condition stops holding).
rule_firings = Table(
    "rule_firings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", ForeignKey("automation_rules.id"), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("trigger_key", String(64), nullable=False),
    Column("fired_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    UniqueConstraint("rule_id", "ticket_id", "trigger_key", name="uq_rule_firings_rule_ticket_key"),
)

_a = automation_rules.c
_f = rule_firings.c
_t = tables.tickets.c
_EPISODE = "episode:%"


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both engines support it)."""
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


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

    def delete(self, rule_id: int) -> None:
        self._memo.forget()
        self.session.execute(rule_firings.delete().where(_f.rule_id == rule_id))
        self.session.execute(automation_rules.delete().where(_a.id == rule_id))

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
