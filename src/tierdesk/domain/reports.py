"""Trends a lead reads: figures per period (weeks or months) and per group (level, queue, agent
or organisation). Pure: the service hands in the tickets' trails (domain/metrics.py) and the
figures storage counts in SQL (SLA verdicts, ratings, deflections) and gets a
:class:`TrendReport` back.

What each figure counts, per period and group (the period of an event is the one it falls in):

- **backlog**: tickets open (not solved or closed) at the end of the period (now, for the
  current one), at the level they were at then.
- **FCR**: tickets whose first entry into a level fell in the period, and of them those solved
  at the level without leaving it upward (``metrics.level_entries``).
- **escalation rate**: of those same entries, the share that went up from the level.
- **bounce rate**: escalations out of the level in the period that were bounced back to it.
- **SLA compliance**: customer clocks (first response, resolution) decided in the period,
  met / (met + breached).
- **CSAT**: ratings given in the period: how many, and their average (1–5).
- **self-service**: portal questions answered by a suggestion (deflections) in the period.

Grouped by level, a ticket's entries, escalations and backlog fall to the level concerned;
ratings and clocks, which belong to the ticket, to its level now. Grouped by queue, agent
(assignee) or organisation, every figure falls to the ticket's queue, assignee and
organisation now, and level 0 (intake, whose hand-off to level 1 is not an escalation) is
left out of FCR, escalations and bounces (not of the backlog). Self-service has no level,
queue or agent: grouped by them it is the whole desk's, under :data:`WHOLE_DESK`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tierdesk.domain.metrics import TicketTrail, level_entries
from tierdesk.errors import InvalidInputError

GROUPINGS = ("level", "queue", "agent", "organisation")
# How many periods a report may span, per unit: the trails of every ticket touched in the span
# are replayed, so the span is bounded rather than the desk's whole history.
UNITS = {"week": 26, "month": 12}
DEFAULT_COUNT = {"week": 12, "month": 6}
FIGURES = ("backlog", "fcr", "escalation_rate", "bounce_rate", "sla", "csat", "self_service")
WHOLE_DESK = "*"  # the group of a figure that has none (self-service by level, queue, agent)
_ENDED = ("solved", "closed")


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class TicketKeys:
    """What a ticket is grouped by besides its level: its queue, assignee and organisation."""

    queue: str | None
    assignee_id: int | None
    organisation_id: int


@dataclass
class Cell:
    """One group in one period. Ticket ids are kept so that a bar can list its tickets."""

    backlog: set[int] = field(default_factory=set)
    # (ticket id, level) of each first entry into a level: grouped by queue, agent or
    # organisation one ticket may enter several levels in a period, each an entry of its own
    entered: set[tuple[int, int]] = field(default_factory=set)
    solved_here: set[tuple[int, int]] = field(default_factory=set)
    went_up: set[tuple[int, int]] = field(default_factory=set)
    escalations: int = 0
    bounced: int = 0
    escalated_tickets: set[int] = field(default_factory=set)
    bounced_tickets: set[int] = field(default_factory=set)
    sla_met: int = 0
    sla_breached: int = 0
    csat_count: int = 0
    csat_sum: int = 0
    deflections: int = 0

    @property
    def fcr(self) -> float | None:
        return _rate(len(self.solved_here), len(self.entered))

    @property
    def escalation_rate(self) -> float | None:
        return _rate(len(self.went_up), len(self.entered))

    @property
    def bounce_rate(self) -> float | None:
        return _rate(self.bounced, self.escalations)

    @property
    def sla_compliance(self) -> float | None:
        return _rate(self.sla_met, self.sla_met + self.sla_breached)

    @property
    def csat_average(self) -> float | None:
        return round(self.csat_sum / self.csat_count, 2) if self.csat_count else None

    def value(self, figure: str) -> float | None:
        """The figure a chart draws: a rate, an average or a count."""
        values: dict[str, float | None] = {
            "backlog": len(self.backlog),
            "fcr": self.fcr,
            "escalation_rate": self.escalation_rate,
            "bounce_rate": self.bounce_rate,
            "sla": self.sla_compliance,
            "csat": self.csat_average,
            "self_service": self.deflections,
        }
        return values[figure]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class TrendReport:
    unit: str
    grouping: str
    periods: list[Period]
    groups: list[str]  # group keys in display order; labels come from storage
    cells: dict[tuple[int, str], Cell]
    labels: dict[str, str] = field(default_factory=dict)

    def cell(self, period: int, group: str) -> Cell:
        return self.cells.get((period, group)) or Cell()

    def groups_for(self, figure: str) -> list[str]:
        """The groups a figure is shown for: self-service only per organisation or whole."""
        if figure == "self_service" and self.grouping != "organisation":
            return [WHOLE_DESK]
        return [g for g in self.groups if g != WHOLE_DESK]


def check_report(unit: str, count: int | None, grouping: str) -> int:
    """The number of periods asked for (the unit's default when None), checked."""
    if unit not in UNITS:
        raise InvalidInputError(f"unknown unit {unit!r}; use {', '.join(UNITS)}", field="unit")
    if grouping not in GROUPINGS:
        raise InvalidInputError(
            f"unknown grouping {grouping!r}; use {', '.join(GROUPINGS)}", field="group"
        )
    count = DEFAULT_COUNT[unit] if count is None else count
    if not 1 <= count <= UNITS[unit]:
        raise InvalidInputError(f"a report spans 1 to {UNITS[unit]} {unit}s", field="count")
    return count


def period_start(unit: str, at: datetime) -> datetime:
    """The start of the week (Monday, 00:00 UTC) or month holding ``at``."""
    day = at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_start(unit: str, start: datetime) -> datetime:
    if unit == "week":
        return start + timedelta(days=7)
    return (start + timedelta(days=32)).replace(day=1)


def periods_until(unit: str, now: datetime, count: int) -> list[Period]:
    """``count`` whole weeks or months, the last one holding ``now``, oldest first."""
    start = period_start(unit, now)
    starts = [start]
    for _ in range(count - 1):
        start = period_start(unit, start - timedelta(days=1))
        starts.append(start)
    starts.reverse()
    return [Period(s, _next_start(unit, s)) for s in starts]


def group_of(grouping: str, level: int, keys: TicketKeys | None) -> str | None:
    """The group key of a figure about a ticket at ``level``; None: the figure has no group
    (a ticket whose keys are unknown)."""
    if grouping == "level":
        return str(level)
    if keys is None:
        return None
    if grouping == "queue":
        return keys.queue or ""
    if grouping == "agent":
        return str(keys.assignee_id) if keys.assignee_id is not None else ""
    return str(keys.organisation_id)


class _Periods:
    def __init__(self, periods: list[Period], now: datetime) -> None:
        self.starts = [p.start for p in periods]
        self.end = periods[-1].end if periods else now
        self.ends = [min(p.end, now) for p in periods]

    def index(self, at: datetime) -> int | None:
        if not self.starts or at < self.starts[0] or at >= self.end:
            return None
        return bisect.bisect_right(self.starts, at) - 1


def replay_trends(
    trails: Iterable[TicketTrail],
    keys: Mapping[int, TicketKeys],
    periods: list[Period],
    grouping: str,
    now: datetime,
) -> dict[tuple[int, str], Cell]:
    """The trail-based figures (backlog, FCR, escalations, bounces) per period and group,
    judged on the events before ``now``."""
    cells: dict[tuple[int, str], Cell] = {}
    index = _Periods(periods, now)

    def cell(period: int, level: int, ticket_id: int, backlog: bool = False) -> Cell | None:
        if grouping != "level" and level == 0 and not backlog:
            return None  # intake's hand-off is no escalation, its entries no first contact
        group = group_of(grouping, level, keys.get(ticket_id))
        return None if group is None else cells.setdefault((period, group), Cell())

    for trail in trails:
        tid = trail.ticket_id
        for entry in level_entries(trail, now):
            period = index.index(entry.entered_at)
            if period is not None and (c := cell(period, entry.level, tid)) is not None:
                c.entered.add((tid, entry.level))
                if entry.solved_here:
                    c.solved_here.add((tid, entry.level))
                if entry.went_up:
                    c.went_up.add((tid, entry.level))
        for period, level, was_bounced in _escalations(trail, index, now):
            if (c := cell(period, level, tid)) is not None:
                c.escalations += 1
                c.bounced += int(was_bounced)
                c.escalated_tickets.add(tid)
                if was_bounced:
                    c.bounced_tickets.add(tid)
        for period, level in _open_at_ends(trail, index):
            if (c := cell(period, level, tid, backlog=True)) is not None:
                c.backlog.add(tid)
    return cells


def _escalations(trail: TicketTrail, index: _Periods, now: datetime) -> list[tuple[int, int, bool]]:
    """(period, level escalated from, bounced back to it) for each escalation in the span."""
    found: list[tuple[int | None, int, bool]] = []
    last_from: dict[int, int] = {}  # level → its latest escalation's position in found
    for event in trail.events:
        if event.at >= now:
            break
        if event.action == "ticket.escalated" and event.from_tier is not None:
            last_from[event.from_tier] = len(found)
            found.append((index.index(event.at), event.from_tier, False))
        elif event.action == "escalation.bounced" and event.to_tier in last_from:
            position = last_from.pop(event.to_tier)
            period, level, _ = found[position]
            found[position] = (period, level, True)
    return [(p, level, b) for p, level, b in found if p is not None]


def _open_at_ends(trail: TicketTrail, index: _Periods) -> list[tuple[int, int]]:
    """(period, level) for each period at whose end the ticket was open."""
    tier, active = trail.opened_tier, True
    states = [(trail.opened_at, tier, active)]
    for event in trail.events:
        if event.action == "ticket.status_changed" and event.status is not None:
            active = event.status not in _ENDED
        elif event.to_tier is not None:
            tier = event.to_tier
        states.append((event.at, tier, active))
    times = [at for at, _, _ in states]
    found = []
    for period, end in enumerate(index.ends):
        last = bisect.bisect_left(times, end) - 1  # the state of the last event before the end
        if last >= 0 and states[last][2]:
            found.append((period, states[last][1]))
    return found


def order_groups(grouping: str, keys: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    """Levels by number (all five always); other groups by their label."""
    if grouping == "level":
        return [str(level) for level in range(5)]
    return sorted(set(keys), key=lambda k: (k == WHOLE_DESK, labels.get(k, k).lower(), k))
