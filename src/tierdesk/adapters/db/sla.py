"""SLA policies (priority x plan) and per-level targets in storage: plain Core statements with
explicit conversion to the domain values.

The SLA handlers look up a policy and a level target on nearly every ticket event, often several
times in one commit: those lookups are remembered for one database transaction (the routing
repositories' memo), so an edit committed by one request applies to the next, and a write
through this repository forgets what was read."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    Row,
    Table,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from tierdesk.adapters.db.memo import TransactionMemo
from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, TierNumber
from tierdesk.domain.people import Tier
from tierdesk.domain.sla import BreachAction, LevelTarget, SlaPolicy
from tierdesk.domain.tickets import Priority

sla_policies = Table(
    "sla_policies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("priority", EnumText(Priority), nullable=False),
    Column("plan_id", ForeignKey("support_plans.id"), nullable=False),
    Column("calendar_id", ForeignKey("business_calendars.id"), nullable=False),
    Column("first_response_minutes", Integer, nullable=False),
    Column("next_response_minutes", Integer, nullable=False),
    Column("resolution_minutes", Integer, nullable=False),
    Column("warn_before_minutes", Integer, nullable=False),
    Column("breach_action", EnumText(BreachAction), nullable=False),
    UniqueConstraint("priority", "plan_id", name="uq_sla_policies_priority_plan"),
)

level_targets = Table(
    "level_targets",
    metadata,
    Column("tier", TierNumber, primary_key=True, autoincrement=False),
    Column("pickup_minutes", Integer, nullable=False),
    Column("handoff_minutes", Integer, nullable=False),
    Column("warn_before_minutes", Integer, nullable=False),
    Column("breach_action", EnumText(BreachAction), nullable=False),
    Column("calendar_id", ForeignKey("business_calendars.id")),  # None: the ticket's calendar
)

_pol = sla_policies.c
_lvl = level_targets.c


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


_POLICY_FIELDS = (
    "priority",
    "plan_id",
    "calendar_id",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "warn_before_minutes",
    "breach_action",
)
_TARGET_FIELDS = (
    "pickup_minutes",
    "handoff_minutes",
    "warn_before_minutes",
    "breach_action",
    "calendar_id",
)


def _policy(row: Row[Any]) -> SlaPolicy:
    return SlaPolicy(**{name: getattr(row, name) for name in _POLICY_FIELDS}, id=row.id)


_POLICY_FOR = select(sla_policies).where(
    _pol.priority == bindparam("priority"), _pol.plan_id == bindparam("plan_id")
)


class SqlSlaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo = TransactionMemo(session)

    def policies(self) -> list[SlaPolicy]:
        query = select(sla_policies).order_by(_pol.plan_id, _pol.priority)
        return [_policy(row) for row in self.session.execute(query)]

    def policy(self, policy_id: int) -> SlaPolicy | None:
        row = self.session.execute(select(sla_policies).where(_pol.id == policy_id)).first()
        return _policy(row) if row else None

    def policy_for(self, priority: Priority, plan_id: int) -> SlaPolicy | None:
        key = ("policy_for", priority, plan_id)
        found = self._memo.get(key, lambda: self._read_policy_for(priority, plan_id))
        return copy.copy(found)  # a caller changing its policy must not change the memo's

    def _read_policy_for(self, priority: Priority, plan_id: int) -> SlaPolicy | None:
        params = {"priority": priority, "plan_id": plan_id}
        row = self.session.execute(_POLICY_FOR, params).first()
        return _policy(row) if row else None

    def add_policy(self, policy: SlaPolicy) -> None:
        self._memo.forget()
        values = {name: getattr(policy, name) for name in _POLICY_FIELDS}
        policy.id = int(
            self.session.execute(
                insert(sla_policies).values(values).returning(_pol.id)
            ).scalar_one()
        )

    def update_policy(self, policy: SlaPolicy) -> None:
        self._memo.forget()
        values = {name: getattr(policy, name) for name in _POLICY_FIELDS}
        self.session.execute(update(sla_policies).where(_pol.id == policy.id).values(values))

    # -- level targets -----------------------------------------------------------------------

    def level_targets(self) -> list[LevelTarget]:
        rows = self.session.execute(select(level_targets).order_by(_lvl.tier))
        return [
            LevelTarget(tier=row.tier, **{n: getattr(row, n) for n in _TARGET_FIELDS})
            for row in rows
        ]

    def level_target(self, tier: Tier) -> LevelTarget | None:
        # All five read at once: a new ticket's clocks want the level it opens at and, read
        # ahead of the first write, the one routing may send it to (handlers.READ_AHEAD).
        found = self._memo.get("level_targets", lambda: {t.tier: t for t in self.level_targets()})
        return copy.copy(found.get(tier))  # as policy_for: callers get their own copy

    def save_level_target(self, target: LevelTarget) -> None:
        self._memo.forget()
        values = {name: getattr(target, name) for name in _TARGET_FIELDS}
        changed = self.session.execute(
            update(level_targets).where(_lvl.tier == int(target.tier)).values(values)
        )
        if _rowcount(changed) == 0:
            self.session.execute(insert(level_targets).values(tier=target.tier, **values))
