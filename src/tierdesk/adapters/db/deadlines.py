"""Every SLA clock of every ticket in storage.

Plain Core statements with explicit conversion to the domain's ``Deadline``. The sweep's
"exactly once" rests on :meth:`SqlDeadlineRepository.mark_breached` and ``mark_warned``: a
conditional UPDATE whose WHERE re-checks the clock under the row's write lock, so of two sweeps
racing for one clock exactly one sees a row count of 1 (PostgreSQL re-evaluates the WHERE after
the first commits; SQLite serialises writers). The clock statements are built once (bound
parameters), because building a 15-column INSERT per clock cost more than running it.

A ticket's running clocks are read once per transaction: opening a ticket runs three handlers
that each want them (the opening's clocks, the first message, the level routing reached), as
do most event chains. The clocks read are kept, with those added and saved through this
repository, until the transaction ends; the sweep's conditional marks forget them all, since
they change rows behind the kept copies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    Row,
    Table,
    and_,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from tierdesk.adapters.db.memo import transaction_slot
from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime
from tierdesk.domain.sla import BreachAction, ClockKind, Deadline

ticket_deadlines = Table(
    "ticket_deadlines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("kind", EnumText(ClockKind), nullable=False),
    Column("tier", TierNumber),
    Column("policy_id", ForeignKey("sla_policies.id")),
    Column("calendar_id", ForeignKey("business_calendars.id"), nullable=False),
    Column("target_minutes", Integer, nullable=False),
    Column("warn_before_minutes", Integer, nullable=False),
    Column("breach_action", EnumText(BreachAction), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime),
    Column("warn_at", UtcDateTime),
    Column("paused_since", UtcDateTime),
    Column("paused_seconds", Integer, nullable=False),
    Column("met_at", UtcDateTime),
    Column("stopped_at", UtcDateTime),
    Column("warned_at", UtcDateTime),
    Column("breached_at", UtcDateTime),
    # The sweep looks for running clocks by due and warning time.
    Index("ix_ticket_deadlines_due_at", "due_at"),
    Index("ix_ticket_deadlines_warn_at", "warn_at"),
)

_dl = ticket_deadlines.c


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


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


def _deadline(row: Row[Any]) -> Deadline:
    return Deadline(**{name: getattr(row, name) for name in _DEADLINE_FIELDS}, id=row.id)


# Executed with a dict of _DEADLINE_FIELDS (insert) or _DEADLINE_STATE plus "deadline_id".
_ADD_DEADLINE = insert(ticket_deadlines).returning(_dl.id)
# Several in one statement. SQLite cannot return the new ids in the order of the rows given
# (SQLAlchemy would then insert them one by one), so each id comes back with what tells the
# clocks of a batch apart.
_ADD_DEADLINES = insert(ticket_deadlines).returning(_dl.id, _dl.ticket_id, _dl.kind, _dl.tier)
_SAVE_DEADLINE = update(ticket_deadlines).where(_dl.id == bindparam("deadline_id"))
_RUNNING_CLOCKS = (
    select(ticket_deadlines)
    .where(
        _dl.ticket_id.in_(bindparam("ticket_ids", expanding=True)),
        _dl.met_at.is_(None),
        _dl.stopped_at.is_(None),
    )
    .order_by(_dl.id)
)


_RUNNING_KEPT = "tierdesk.running_clocks"  # session info: (its transaction, clocks by ticket)


def _kept(session: Session) -> dict[int, list[Deadline]]:
    """The running clocks read in this transaction, by ticket (empty once it has ended)."""
    return transaction_slot(session, _RUNNING_KEPT, dict)


def none_running_yet(session: Session, ticket_id: int) -> None:
    """The ticket was inserted in this transaction a moment ago: it has no clock to read, and
    those its opening starts are added through the repository (and so kept)."""
    _kept(session).setdefault(ticket_id, [])


class SqlDeadlineRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, deadline: Deadline) -> None:
        values = {name: getattr(deadline, name) for name in _DEADLINE_FIELDS}
        deadline.id = int(self.session.execute(_ADD_DEADLINE, values).scalar_one())
        self._keep_new(deadline)

    def add_all(self, deadlines: Sequence[Deadline]) -> None:
        by_key = {(d.ticket_id, d.kind, d.tier): d for d in deadlines}
        if len(by_key) < len(deadlines) or len(deadlines) < 2:
            for deadline in deadlines:  # not told apart by what comes back: one by one
                self.add(deadline)
            return
        rows = [{name: getattr(d, name) for name in _DEADLINE_FIELDS} for d in deadlines]
        for row in self.session.execute(_ADD_DEADLINES, rows):
            by_key[(row.ticket_id, row.kind, row.tier)].id = int(row.id)
        for deadline in deadlines:
            self._keep_new(deadline)

    def _keep_new(self, deadline: Deadline) -> None:
        kept = _kept(self.session).get(deadline.ticket_id)
        if kept is not None and deadline.running:
            kept.append(deadline)

    def save(self, deadline: Deadline) -> None:
        values = {name: getattr(deadline, name) for name in _DEADLINE_STATE}
        self.session.execute(_SAVE_DEADLINE, {**values, "deadline_id": deadline.id})
        kept = _kept(self.session).get(deadline.ticket_id)
        if kept is not None:  # the saved clock replaces the copy kept, or leaves with it
            kept[:] = [d for d in kept if d.id != deadline.id]
            if deadline.running:
                kept.append(deadline)
                kept.sort(key=lambda d: d.id or 0)

    def _forget_running(self) -> None:
        self.session.info.pop(_RUNNING_KEPT, None)

    def get(self, deadline_id: int) -> Deadline | None:
        row = self.session.execute(select(ticket_deadlines).where(_dl.id == deadline_id)).first()
        return _deadline(row) if row else None

    def for_ticket(self, ticket_id: int) -> list[Deadline]:
        query = select(ticket_deadlines).where(_dl.ticket_id == ticket_id).order_by(_dl.id)
        return [_deadline(row) for row in self.session.execute(query)]

    def running_for_tickets(self, ticket_ids: Sequence[int]) -> dict[int, list[Deadline]]:
        """Each ticket's running clocks, oldest first: the same ``Deadline`` objects within one
        transaction, in lists of the caller's own."""
        kept = _kept(self.session)
        missing = list(dict.fromkeys(i for i in ticket_ids if i not in kept))
        found: dict[int, list[Deadline]] = {ticket_id: [] for ticket_id in missing}
        for start in range(0, len(missing), 500):  # stay far below any bind-parameter limit
            chunk = missing[start : start + 500]
            for row in self.session.execute(_RUNNING_CLOCKS, {"ticket_ids": chunk}):
                found[row.ticket_id].append(_deadline(row))
        kept = _kept(self.session)  # the read began the transaction when none was open
        kept.update(found)
        return {ticket_id: list(kept[ticket_id]) for ticket_id in ticket_ids}

    def running_on_calendar(self, calendar_id: int) -> list[Deadline]:
        query = (
            select(ticket_deadlines)
            .where(_dl.calendar_id == calendar_id, _dl.met_at.is_(None), _dl.stopped_at.is_(None))
            .order_by(_dl.id)
        )
        return [_deadline(row) for row in self.session.execute(query)]

    @staticmethod
    def _running() -> list[Any]:
        return [_dl.met_at.is_(None), _dl.stopped_at.is_(None), _dl.paused_since.is_(None)]

    def to_warn(self, now: datetime, limit: int, since: datetime | None = None) -> list[Deadline]:
        query = (
            select(ticket_deadlines)
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
            select(ticket_deadlines)
            .where(*self._running(), _dl.breached_at.is_(None), _dl.due_at <= now)
            .order_by(_dl.due_at, _dl.id)
            .limit(limit)
        )
        return [_deadline(row) for row in self.session.execute(query)]

    def mark_warned(self, deadline_id: int, at: datetime) -> bool:
        self._forget_running()  # the row changes behind any copy kept
        result = self.session.execute(
            update(ticket_deadlines)
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
        self._forget_running()  # the row changes behind any copy kept
        result = self.session.execute(
            update(ticket_deadlines)
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
