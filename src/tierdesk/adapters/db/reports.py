"""What the trend reports read: grouped counts per period, computed in SQL (one query per
figure, periods told apart by a CASE over their bounds, which both engines run alike), and the
keys and names tickets are grouped by."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Select, case, false, func, null, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.csat import csat_ratings
from tierdesk.adapters.db.deadlines import ticket_deadlines
from tierdesk.adapters.db.deflection import deflections
from tierdesk.adapters.db.types import storable_id
from tierdesk.domain.reports import WHOLE_DESK, Period, TicketKeys
from tierdesk.domain.sla import ClockKind
from tierdesk.ports.reports import Grouped

_tk = tables.tickets.c
# The clocks promised to the customer that the SLA figure reads (next-response is left out).
_SLA_KINDS = (ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION)


def _group_column(grouping: str) -> Any:
    return {
        "level": _tk.tier,
        "queue": _tk.queue,
        "agent": _tk.assignee_id,
        "organisation": _tk.organisation_id,
    }[grouping]


def _key(value: Any) -> str:
    return "" if value is None else str(value if isinstance(value, str) else int(value))


def _in_group(grouping: str, group: str) -> ColumnElement[bool]:
    column = _group_column(grouping)
    if group == "":
        return column.is_(None) if grouping in ("queue", "agent") else false()
    if grouping == "queue":
        return column == group  # type: ignore[no-any-return]
    if not group.isdigit() or not storable_id(int(group)):
        return false()
    return column == int(group)  # type: ignore[no-any-return]


def _period_of(column: Any, periods: list[Period]) -> Any:
    return case(*[(column < p.end, number) for number, p in enumerate(periods)])


def _within(column: Any, periods: list[Period]) -> ColumnElement[bool]:
    return (column >= periods[0].start) & (column < periods[-1].end)  # type: ignore[no-any-return]


class SqlReportSource:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _grouped(self, query: Select[Any]) -> Grouped:
        return {
            (int(period), _key(group)): (int(a or 0), int(b or 0))
            for period, group, a, b in self.session.execute(query)
        }

    def ticket_keys(self, ticket_ids: Collection[int]) -> dict[int, TicketKeys]:
        keys: dict[int, TicketKeys] = {}
        wanted = list(ticket_ids)
        for start in range(0, len(wanted), 1000):  # bound the IN list
            query = select(_tk.id, _tk.queue, _tk.assignee_id, _tk.organisation_id).where(
                _tk.id.in_(wanted[start : start + 1000])
            )
            for ticket_id, queue, assignee_id, organisation_id in self.session.execute(query):
                keys[int(ticket_id)] = TicketKeys(queue, assignee_id, int(organisation_id))
        return keys

    def _decided(self) -> tuple[Any, ColumnElement[bool]]:
        d = ticket_deadlines.c
        decided = func.coalesce(d.breached_at, d.met_at)
        return decided, d.kind.in_(_SLA_KINDS) & decided.is_not(None)

    def sla_counts(self, periods: list[Period], grouping: str) -> Grouped:
        d = ticket_deadlines.c
        decided, wanted = self._decided()
        period, group = _period_of(decided, periods), _group_column(grouping)
        breached = case((d.breached_at.is_not(None), 1), else_=0)
        query = (
            select(period, group, func.count() - func.sum(breached), func.sum(breached))
            .select_from(ticket_deadlines.join(tables.tickets, _tk.id == d.ticket_id))
            .where(wanted, _within(decided, periods))
            .group_by(period, group)
        )
        return self._grouped(query)

    def sla_tickets(self, period: Period, grouping: str, group: str) -> tuple[set[int], set[int]]:
        d = ticket_deadlines.c
        decided, wanted = self._decided()
        query = (
            select(d.ticket_id, d.breached_at)
            .join(tables.tickets, _tk.id == d.ticket_id)
            .where(wanted, _within(decided, [period]), _in_group(grouping, group))
        )
        every, met = set(), set()
        for ticket_id, breached_at in self.session.execute(query):
            every.add(int(ticket_id))
            if breached_at is None:
                met.add(int(ticket_id))
        return every, met

    def csat_counts(self, periods: list[Period], grouping: str) -> Grouped:
        r = csat_ratings.c
        period, group = _period_of(r.created_at, periods), _group_column(grouping)
        query = (
            select(period, group, func.count(), func.sum(r.score))
            .select_from(csat_ratings.join(tables.tickets, _tk.id == r.ticket_id))
            .where(_within(r.created_at, periods))
            .group_by(period, group)
        )
        return self._grouped(query)

    def csat_tickets(self, period: Period, grouping: str, group: str) -> set[int]:
        r = csat_ratings.c
        query = (
            select(r.ticket_id)
            .join(tables.tickets, _tk.id == r.ticket_id)
            .where(_within(r.created_at, [period]), _in_group(grouping, group))
        )
        return {int(ticket_id) for ticket_id in self.session.scalars(query)}

    def deflection_counts(self, periods: list[Period], grouping: str) -> Grouped:
        f = deflections.c
        period = _period_of(f.created_at, periods)
        if grouping == "organisation":
            query = select(period, f.organisation_id, func.count(), func.count())
            query = query.group_by(period, f.organisation_id)
        else:
            query = select(period, null(), func.count(), func.count()).group_by(period)
        found = self._grouped(query.where(_within(f.created_at, periods)))
        return {(p, group or WHOLE_DESK): (count, 0) for (p, group), (count, _) in found.items()}

    def labels(self, grouping: str, keys: Collection[str]) -> dict[str, str]:
        ids = [int(k) for k in keys if k.isdigit() and storable_id(int(k))]
        names: dict[str, str] = {}
        if grouping == "agent" and ids:
            rows = select(tables.agents.c.id, tables.agents.c.name).where(
                tables.agents.c.id.in_(ids)
            )
            names = {str(i): str(n) for i, n in self.session.execute(rows)}
        elif grouping == "organisation" and ids:
            o = tables.organisations.c
            rows = select(o.id, o.name).where(o.id.in_(ids))
            names = {str(i): str(n) for i, n in self.session.execute(rows)}
        empty = {"queue": "No queue", "agent": "Unassigned"}.get(grouping, "")
        result = {}
        for key in keys:
            if key == WHOLE_DESK:
                result[key] = "Whole desk"
            elif grouping == "level":
                result[key] = f"L{key}"
            elif key == "":
                result[key] = empty
            else:
                result[key] = names.get(key, key)
        return result
