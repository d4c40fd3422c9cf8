"""SLA storage: calendars, policies, level targets, ticket clocks and notifications.

Plain Core statements with explicit conversion to the frozen/plain domain values. The sweep's
"exactly once" rests on :meth:`SqlDeadlineRepository.mark_breached` and ``mark_warned``: a
conditional UPDATE whose WHERE re-checks the clock under the row's write lock, so of two sweeps
racing for one clock exactly one sees a row count of 1 (PostgreSQL re-evaluates the WHERE after
the first commits; SQLite serialises writers).

The SLA handlers look up a calendar, a policy and a level target on nearly every ticket event,
often several times in one commit: those lookups are remembered for one database transaction
(the routing repositories' memo), so an edit committed by one request applies to the next, and
a write through this repository forgets what was read. The clock statements are built once
(bound parameters), because building a 15-column INSERT per clock cost more than running it."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables_sla as t
from tierdesk.adapters.db.memo import TransactionMemo
from tierdesk.domain.calendars import BusinessCalendar, hours_from_mapping, hours_to_mapping
from tierdesk.domain.notifications import Notification
from tierdesk.domain.people import Tier
from tierdesk.domain.sla import Deadline, LevelTarget, SlaPolicy
from tierdesk.domain.tickets import Priority

_cal = t.business_calendars.c
_pol = t.sla_policies.c
_lvl = t.level_targets.c
_dl = t.ticket_deadlines.c
_note = t.notifications.c


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _calendar(row: Row[Any]) -> BusinessCalendar:
    return BusinessCalendar(
        name=row.name,
        timezone=row.timezone,
        weekly=hours_from_mapping(row.hours),
        holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
        description=row.description,
        id=row.id,
    )


def _calendar_values(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "timezone": calendar.timezone,
        "hours": hours_to_mapping(calendar.weekly),
        "holidays": sorted(d.isoformat() for d in calendar.holidays),
        "description": calendar.description,
    }


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
# What a handler may change on a clock; warned_at and breached_at belong to the sweep alone.
_DEADLINE_STATE = (
    "calendar_id",
    "policy_id",
    "target_minutes",
    "warn_before_minutes",
    "breach_action",
    "due_at",
    "warn_at",
    "paused_since",
    "paused_seconds",
    "met_at",
    "stopped_at",
)
_DEADLINE_FIELDS = (
    "ticket_id",
    "kind",
    "tier",
    "started_at",
    *_DEADLINE_STATE,
    "warned_at",
    "breached_at",
)


def _policy(row: Row[Any]) -> SlaPolicy:
    return SlaPolicy(**{name: getattr(row, name) for name in _POLICY_FIELDS}, id=row.id)


def _deadline(row: Row[Any]) -> Deadline:
    return Deadline(**{name: getattr(row, name) for name in _DEADLINE_FIELDS}, id=row.id)


_CALENDAR_BY_ID = select(t.business_calendars).where(_cal.id == bindparam("calendar_id"))
_POLICY_FOR = select(t.sla_policies).where(
    _pol.priority == bindparam("priority"), _pol.plan_id == bindparam("plan_id")
)
_LEVEL_TARGET = select(t.level_targets).where(_lvl.tier == bindparam("tier"))
# Executed with a dict of _DEADLINE_FIELDS (insert) or _DEADLINE_STATE plus "deadline_id".
_ADD_DEADLINE = insert(t.ticket_deadlines).returning(_dl.id)
_SAVE_DEADLINE = update(t.ticket_deadlines).where(_dl.id == bindparam("deadline_id"))
_RUNNING_CLOCKS = (
    select(t.ticket_deadlines)
    .where(
        _dl.ticket_id.in_(bindparam("ticket_ids", expanding=True)),
        _dl.met_at.is_(None),
        _dl.stopped_at.is_(None),
    )
    .order_by(_dl.id)
)


class SqlSlaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo = TransactionMemo(session)

    # -- calendars ---------------------------------------------------------------------------

    def calendars(self) -> list[BusinessCalendar]:
        rows = self.session.execute(select(t.business_calendars).order_by(_cal.id))
        return [_calendar(row) for row in rows]

    def calendar(self, calendar_id: int) -> BusinessCalendar | None:
        # BusinessCalendar is frozen: the remembered value can be shared.
        return self._memo.get(("calendar", calendar_id), lambda: self._read_calendar(calendar_id))

    def _read_calendar(self, calendar_id: int) -> BusinessCalendar | None:
        row = self.session.execute(_CALENDAR_BY_ID, {"calendar_id": calendar_id}).first()
        return _calendar(row) if row else None

    def calendar_by_name(self, name: str) -> BusinessCalendar | None:
        row = self.session.execute(
            select(t.business_calendars).where(_cal.name == name.strip())
        ).first()
        return _calendar(row) if row else None

    def add_calendar(self, calendar: BusinessCalendar) -> BusinessCalendar:
        self._memo.forget()
        new_id = self.session.execute(
            insert(t.business_calendars).values(_calendar_values(calendar)).returning(_cal.id)
        ).scalar_one()
        return self.calendar(int(new_id)) or calendar

    def update_calendar(self, calendar: BusinessCalendar) -> None:
        self._memo.forget()
        self.session.execute(
            update(t.business_calendars)
            .where(_cal.id == calendar.id)
            .values(_calendar_values(calendar))
        )

    # -- policies ----------------------------------------------------------------------------

    def policies(self) -> list[SlaPolicy]:
        query = select(t.sla_policies).order_by(_pol.plan_id, _pol.priority)
        return [_policy(row) for row in self.session.execute(query)]

    def policy(self, policy_id: int) -> SlaPolicy | None:
        row = self.session.execute(select(t.sla_policies).where(_pol.id == policy_id)).first()
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
                insert(t.sla_policies).values(values).returning(_pol.id)
            ).scalar_one()
        )

    def update_policy(self, policy: SlaPolicy) -> None:
        self._memo.forget()
        values = {name: getattr(policy, name) for name in _POLICY_FIELDS}
        self.session.execute(update(t.sla_policies).where(_pol.id == policy.id).values(values))

    # -- level targets -----------------------------------------------------------------------

    def level_targets(self) -> list[LevelTarget]:
        rows = self.session.execute(select(t.level_targets).order_by(_lvl.tier))
        return [
            LevelTarget(tier=row.tier, **{n: getattr(row, n) for n in _TARGET_FIELDS})
            for row in rows
        ]

    def level_target(self, tier: Tier) -> LevelTarget | None:
        found = self._memo.get(("level_target", int(tier)), lambda: self._read_level_target(tier))
        return copy.copy(found)  # as policy_for: callers get their own copy

    def _read_level_target(self, tier: Tier) -> LevelTarget | None:
        row = self.session.execute(_LEVEL_TARGET, {"tier": int(tier)}).first()
        if row is None:
            return None
        return LevelTarget(tier=row.tier, **{n: getattr(row, n) for n in _TARGET_FIELDS})

    def save_level_target(self, target: LevelTarget) -> None:
        self._memo.forget()
        values = {name: getattr(target, name) for name in _TARGET_FIELDS}
        changed = self.session.execute(
            update(t.level_targets).where(_lvl.tier == int(target.tier)).values(values)
        )
        if _rowcount(changed) == 0:
            self.session.execute(insert(t.level_targets).values(tier=target.tier, **values))


class SqlDeadlineRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, deadline: Deadline) -> None:
        values = {name: getattr(deadline, name) for name in _DEADLINE_FIELDS}
        deadline.id = int(self.session.execute(_ADD_DEADLINE, values).scalar_one())

    def save(self, deadline: Deadline) -> None:
        values = {name: getattr(deadline, name) for name in _DEADLINE_STATE}
        self.session.execute(_SAVE_DEADLINE, {**values, "deadline_id": deadline.id})

    def get(self, deadline_id: int) -> Deadline | None:
        row = self.session.execute(select(t.ticket_deadlines).where(_dl.id == deadline_id)).first()
        return _deadline(row) if row else None

    def for_ticket(self, ticket_id: int) -> list[Deadline]:
        query = select(t.ticket_deadlines).where(_dl.ticket_id == ticket_id).order_by(_dl.id)
        return [_deadline(row) for row in self.session.execute(query)]

    def running_for_tickets(self, ticket_ids: Sequence[int]) -> dict[int, list[Deadline]]:
        found: dict[int, list[Deadline]] = {ticket_id: [] for ticket_id in ticket_ids}
        for start in range(0, len(ticket_ids), 500):  # stay far below any bind-parameter limit
            chunk = list(ticket_ids[start : start + 500])
            for row in self.session.execute(_RUNNING_CLOCKS, {"ticket_ids": chunk}):
                found[row.ticket_id].append(_deadline(row))
        return found

    def running_on_calendar(self, calendar_id: int) -> list[Deadline]:
        query = (
            select(t.ticket_deadlines)
            .where(_dl.calendar_id == calendar_id, _dl.met_at.is_(None), _dl.stopped_at.is_(None))
            .order_by(_dl.id)
        )
        return [_deadline(row) for row in self.session.execute(query)]

    @staticmethod
    def _running() -> list[Any]:
        return [_dl.met_at.is_(None), _dl.stopped_at.is_(None), _dl.paused_since.is_(None)]

    def to_warn(self, now: datetime, limit: int, since: datetime | None = None) -> list[Deadline]:
        query = (
            select(t.ticket_deadlines)
            .where(
                *self._running(),
                _dl.warned_at.is_(None),
                _dl.breached_at.is_(None),
                _dl.warn_at <= now,
                _dl.due_at > (now if since is None else min(since, now)),
            )
            .order_by(_dl.warn_at, _dl.id)
            .limit(limit)
        )
        return [_deadline(row) for row in self.session.execute(query)]

    def to_breach(self, now: datetime, limit: int) -> list[Deadline]:
        query = (
            select(t.ticket_deadlines)
            .where(*self._running(), _dl.breached_at.is_(None), _dl.due_at <= now)
            .order_by(_dl.due_at, _dl.id)
            .limit(limit)
        )
        return [_deadline(row) for row in self.session.execute(query)]

    def mark_warned(self, deadline_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(t.ticket_deadlines)
            .where(
                and_(
                    _dl.id == deadline_id,
                    *self._running(),
                    _dl.warned_at.is_(None),
                    _dl.breached_at.is_(None),
                    _dl.warn_at <= at,
                )
            )
            .values(warned_at=at)
        )
        return _rowcount(result) == 1

    def mark_breached(self, deadline_id: int, at: datetime) -> bool:
        result = self.session.execute(
            update(t.ticket_deadlines)
            .where(
                and_(
                    _dl.id == deadline_id,
                    *self._running(),
                    _dl.breached_at.is_(None),
                    _dl.due_at <= at,
                )
            )
            .values(breached_at=at)
        )
        return _rowcount(result) == 1


class SqlNotificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, notification: Notification) -> None:
        notification.id = int(
            self.session.execute(
                insert(t.notifications)
                .values(
                    agent_id=notification.agent_id,
                    ticket_id=notification.ticket_id,
                    kind=notification.kind,
                    text=notification.text,
                    details=notification.details,
                    created_at=notification.created_at,
                    read_at=notification.read_at,
                )
                .returning(_note.id)
            ).scalar_one()
        )

    def for_agent(self, agent_id: int, *, unread_only: bool, limit: int) -> list[Notification]:
        query = select(t.notifications).where(_note.agent_id == agent_id)
        if unread_only:
            query = query.where(_note.read_at.is_(None))
        rows = self.session.execute(query.order_by(_note.id.desc()).limit(limit))
        return [
            Notification(
                agent_id=row.agent_id,
                kind=row.kind,
                text=row.text,
                created_at=row.created_at,
                ticket_id=row.ticket_id,
                details=dict(row.details),
                read_at=row.read_at,
                id=row.id,
            )
            for row in rows
        ]

    def mark_read(self, agent_id: int, ids: Sequence[int] | None, at: datetime) -> int:
        query = update(t.notifications).where(_note.agent_id == agent_id, _note.read_at.is_(None))
        if ids is not None:
            # Ids outside INTEGER name no row, and binding them fails on PostgreSQL.
            query = query.where(_note.id.in_([i for i in ids if -(2**31) <= i < 2**31]))
        return _rowcount(self.session.execute(query.values(read_at=at)))
