"""Time spent on tickets: what agents log (minutes, the day, a note, billable or not), and
how long a ticket spent in each status and at each level, read from its audit trail.

Logged time is the agents' word; time in status is the desk's own record. The second needs no
write path of its own: every status and level change is already an audit event with
``[before, after]`` (domain/tickets.py, ticket_levels.py), so it is derived, never stored."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from tierdesk.domain.audit import AuditEvent
from tierdesk.errors import InvalidInputError

MAX_MINUTES = 24 * 60  # one entry is at most a day's work
MAX_NOTE = 2_000
EARLIEST_DAY = date(2000, 1, 1)

# "90", "45m", "45 min", "1h", "1.5h", "1,5 h", "1h 30m", "1h30", "2 hours 5 minutes"
_DURATION = re.compile(
    r"""^(?:(?P<hours>\d{1,6}(?:[.,]\d{1,3})?)\s*h(?:ours?|rs?)?)?\s*
        (?:(?P<minutes>\d{1,9})\s*(?:m|mins?|minutes?)?)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_CLOCK = re.compile(r"^(?P<hours>\d{1,2}):(?P<minutes>[0-5]\d)$")  # "1:30"


def parse_duration(text: str | int) -> int:
    """Minutes from what an agent types. A bare number is minutes; hours need an ``h``."""
    if isinstance(text, int) and not isinstance(text, bool):
        return _checked(text, str(text))
    raw = str(text).strip()
    found = _DURATION.match(raw) or _CLOCK.match(raw)
    if not raw or found is None or not (found.group("hours") or found.group("minutes")):
        raise InvalidInputError(
            f"{raw!r} is not a duration; write minutes (90), hours (1.5h) or both (1h 30m)",
            field="minutes",
        )
    try:
        hours = Decimal((found.group("hours") or "0").replace(",", "."))
    except InvalidOperation as exc:  # the pattern admits only digits; kept for safety's sake
        raise InvalidInputError(f"{raw!r} is not a duration", field="minutes") from exc
    minutes = int(found.group("minutes") or 0)
    return _checked(int((hours * 60).to_integral_value()) + minutes, raw)


def _checked(minutes: int, said: str) -> int:
    if minutes < 1:
        raise InvalidInputError(f"{said!r} is no time; log at least a minute", field="minutes")
    if minutes > MAX_MINUTES:
        raise InvalidInputError(
            f"{said!r} is more than a day; log each day's work on its own", field="minutes"
        )
    return minutes


def check_work_date(day: date, today: date) -> date:
    """The day the work was done: not in the future (a day ahead allowed for time zones)."""
    if day > today + timedelta(days=1):
        raise InvalidInputError(f"{day.isoformat()} is in the future", field="date")
    if day < EARLIEST_DAY:
        raise InvalidInputError(f"{day.isoformat()} is too long ago", field="date")
    return day


def parse_work_date(text: str, today: date) -> date:
    if not text.strip():
        return today
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(f"{text!r} is not a date (YYYY-MM-DD)", field="date") from exc
    return check_work_date(day, today)


def check_note(text: str) -> str:
    note = text.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInputError(f"the note is longer than {MAX_NOTE} characters", field="note")
    return note


def format_minutes(minutes: int) -> str:
    """``90`` → ``1h 30m``; what the pages and the CSV's readers see."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h {rest:02d}m" if rest else f"{hours}h"


@dataclass(eq=False)
class TimeEntry:
    """Time one agent spent on one ticket on one day."""

    ticket_id: int
    agent_id: int
    minutes: int
    work_date: date
    created_at: datetime
    updated_at: datetime
    note: str = ""
    billable: bool = True
    id: int | None = None

    def change(
        self,
        at: datetime,
        *,
        minutes: int | None = None,
        work_date: date | None = None,
        note: str | None = None,
        billable: bool | None = None,
    ) -> dict[str, list[Any]]:
        """Apply what was given; answers the changes as ``{field: [before, after]}``."""
        wanted: dict[str, Any] = {
            "minutes": minutes,
            "work_date": work_date,
            "note": note,
            "billable": billable,
        }
        changes: dict[str, list[Any]] = {}
        for name, value in wanted.items():
            old = getattr(self, name)
            if value is not None and value != old:
                setattr(self, name, value)
                changes[name] = [_plain(old), _plain(value)]
        if changes:
            self.updated_at = at
        return changes


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def may_change(entry: TimeEntry, agent_id: int | None, is_lead: bool) -> bool:
    """Agents edit and delete their own entries; leads and admins anyone's."""
    return is_lead or (agent_id is not None and entry.agent_id == agent_id)


# -- time in status -----------------------------------------------------------------------


@dataclass(frozen=True)
class StatusTime:
    """How long a ticket spent in each status and at each level (in the order first reached),
    up to ``until``: its closing, or now. A closed ticket's clock has stopped."""

    statuses: list[tuple[str, timedelta]]
    levels: list[tuple[int, timedelta]]
    current_status: str
    current_level: int
    since: datetime  # when it entered its current status
    until: datetime

    @property
    def total(self) -> timedelta:
        return sum((d for _, d in self.statuses), timedelta())


def _moves(events: Sequence[AuditEvent], name: str) -> list[tuple[datetime, Any, Any]]:
    """Every ``[before, after]`` change of ``name`` in the trail, oldest first."""
    found = []
    for event in events:
        value = event.changes.get(name)
        if isinstance(value, list) and len(value) == 2 and value[0] != value[1]:
            found.append((event.at, value[0], value[1]))
    return found


def _spans(
    moves: list[tuple[datetime, Any, Any]], current: Any, start: datetime, until: datetime
) -> tuple[list[tuple[Any, timedelta]], datetime]:
    totals: dict[Any, timedelta] = {}
    value = moves[0][1] if moves else current
    since = start
    for at, _before, after in moves:
        at = min(max(at, since), until)
        totals[value] = totals.get(value, timedelta()) + (at - since)
        value, since = after, at
    totals[value] = totals.get(value, timedelta()) + max(until - since, timedelta())
    return list(totals.items()), since


def time_in_status(
    events: Iterable[AuditEvent],
    opened_at: datetime,
    status: str,
    level: int,
    now: datetime,
    closed_at: datetime | None = None,
) -> StatusTime:
    """From the ticket's trail (every event, any order): the status and level it started with
    are the ``before`` of their first change (or what it is now, when they never changed)."""
    trail = sorted(events, key=lambda e: (e.at, e.id or 0))
    until = max(min(closed_at, now) if closed_at else now, opened_at)
    statuses, since = _spans(_moves(trail, "status"), status, opened_at, until)
    levels, _ = _spans(_moves(trail, "tier"), level, opened_at, until)
    return StatusTime(
        statuses=[(str(s), d) for s, d in statuses if str(s) != "closed"],
        levels=[(int(t), d) for t, d in levels],
        current_status=status,
        current_level=level,
        since=since,
        until=until,
    )


# -- the report ----------------------------------------------------------------------------

GROUPINGS = {
    "organisation": "Organisation",
    "plan": "Contract (support plan)",
    "agent": "Agent",
    "month": "Month",
    "week": "Week",
}


@dataclass(frozen=True)
class TimeRow:
    """One entry as the report reads it, with the ticket's organisation and its plan."""

    entry_id: int
    ticket_id: int
    agent_id: int
    organisation_id: int
    plan_id: int
    work_date: date
    minutes: int
    billable: bool


@dataclass
class TimeTotal:
    key: str
    label: str
    billable: int = 0  # minutes
    unbilled: int = 0
    entries: int = 0
    tickets: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.billable + self.unbilled


def check_grouping(grouping: str) -> str:
    if grouping not in GROUPINGS:
        raise InvalidInputError(f"group by {', '.join(GROUPINGS)}, not {grouping!r}", field="group")
    return grouping


def check_span(since: date, until: date) -> None:
    if until < since:
        raise InvalidInputError("the period ends before it starts", field="until")
    if (until - since).days > 366 * 3:
        raise InvalidInputError("report at most three years at once", field="since")


def group_key(row: TimeRow, grouping: str) -> str:
    if grouping == "organisation":
        return str(row.organisation_id)
    if grouping == "plan":
        return str(row.plan_id)
    if grouping == "agent":
        return str(row.agent_id)
    if grouping == "month":
        return row.work_date.strftime("%Y-%m")
    monday = row.work_date - timedelta(days=row.work_date.weekday())
    return monday.isoformat()


def total_time(rows: Iterable[TimeRow], grouping: str, labels: dict[str, str]) -> list[TimeTotal]:
    """One total per group: by name for organisations, plans and agents (most time first),
    in time order for months and weeks."""
    totals: dict[str, TimeTotal] = {}
    for row in rows:
        key = group_key(row, grouping)
        total = totals.setdefault(key, TimeTotal(key, labels.get(key, key)))
        if row.billable:
            total.billable += row.minutes
        else:
            total.unbilled += row.minutes
        total.entries += 1
        total.tickets.add(row.ticket_id)
    if grouping in ("month", "week"):
        return sorted(totals.values(), key=lambda t: t.key)
    return sorted(totals.values(), key=lambda t: (-t.total, t.label.casefold()))


def report_table(totals: Sequence[TimeTotal], grouping: str) -> tuple[list[str], list[list[Any]]]:
    """The report as the CSV holds it: minutes, and hours to two places for invoices."""
    header = [
        grouping,
        "billable_minutes",
        "non_billable_minutes",
        "total_minutes",
        "billable_hours",
        "entries",
        "tickets",
    ]
    rows = [
        [
            t.label,
            t.billable,
            t.unbilled,
            t.total,
            f"{t.billable / 60:.2f}",
            t.entries,
            len(t.tickets),
        ]
        for t in totals
    ]
    return header, rows
