"""Escalation-quality metrics per level, computed from the audit trail. Pure: the service loads
the trails, clocks and L3 outcomes of a period and calls :func:`compute_metrics`.

Definitions (each rate is ``None`` when nothing was there to count):

- **handled** at a level: tickets that spent time there within the period.
- **escalation rate**: tickets escalated out of the level / tickets handled there.
- **bounce-back rate**: the level's escalations sent back to it with guidance / its escalations.
- **solvable lower**: escalations *into* the level that it bounced back or, after accepting,
  marked as solvable lower / escalations into it.
- **first-contact resolution** (FCR) at a level: of the tickets that *entered* the level in the
  period (opened at it, or escalated, routed or bounced into it; each ticket counted once per
  level, at its first entry), the share solved at the level without ever leaving it upward
  (:func:`level_entries`). A ticket escalated on, or bounced back down and solved lower, is not
  solved at the level; one still open there counts against it until it is solved. Overall:
  solved tickets never escalated beyond the first level that worked them (the hand-off out of
  intake, L0, does not count) / solved tickets.
- **time in level**: wall-clock hours a ticket sat at the level while not solved or closed,
  within the period (total, mean and median per ticket).
- **SLA compliance**: clocks with a verdict in the period (met or breached) that were not
  breached / all of them; per level from the level clocks, overall from the customer clocks.
- **L3 outcome mix**: recorded outcomes (known fix, more info, defect) in the period.
- **backlog**: tickets at the level, not solved or closed, at the end of the period.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tierdesk.domain.answers import AnswerCounts

LEVELS = (0, 1, 2, 3, 4)
_ENDED = ("solved", "closed")


@dataclass(frozen=True)
class TrailEvent:
    """One audit event, reduced to what the metrics read."""

    at: datetime
    action: str
    from_tier: int | None = None
    to_tier: int | None = None
    status: str | None = None  # the new status of a status change


@dataclass(frozen=True)
class TicketTrail:
    ticket_id: int
    opened_at: datetime
    opened_tier: int
    events: tuple[TrailEvent, ...]  # oldest first


@dataclass(frozen=True)
class ClockVerdict:
    tier: int | None
    customer_facing: bool
    decided_at: datetime  # when it was met or breached
    breached: bool


@dataclass
class LevelMetrics:
    level: int
    handled: int = 0
    escalated_out: int = 0
    escalations_out: int = 0
    bounced_back: int = 0
    escalations_in: int = 0
    marked_solvable_lower: int = 0
    solved: int = 0
    entered: int = 0  # tickets whose first entry into the level fell in the period
    solved_first_contact: int = 0  # of those, solved at the level without leaving upward
    hours_in_level: list[float] = field(default_factory=list)
    clocks: int = 0
    clocks_breached: int = 0
    backlog: int = 0

    @property
    def escalation_rate(self) -> float | None:
        return _rate(self.escalated_out, self.handled)

    @property
    def bounce_back_rate(self) -> float | None:
        return _rate(self.bounced_back, self.escalations_out)

    @property
    def solvable_lower_share(self) -> float | None:
        return _rate(self.marked_solvable_lower, self.escalations_in)

    @property
    def first_contact_resolution(self) -> float | None:
        return _rate(self.solved_first_contact, self.entered)

    @property
    def sla_compliance(self) -> float | None:
        return _rate(self.clocks - self.clocks_breached, self.clocks)

    @property
    def total_hours(self) -> float:
        return round(sum(self.hours_in_level), 3)

    @property
    def mean_hours(self) -> float | None:
        return round(statistics.fmean(self.hours_in_level), 3) if self.hours_in_level else None

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours_in_level), 3) if self.hours_in_level else None


@dataclass
class MetricsReport:
    since: datetime
    until: datetime
    levels: list[LevelMetrics]
    solved: int
    solved_first_contact: int
    escalations: int
    bounces: int
    customer_clocks: int
    customer_clocks_breached: int
    l3_outcomes: dict[str, int]
    # Answers at levels 0 and 1 per level and queue (domain/answers.py; issue 17).
    answers: list[AnswerCounts] = field(default_factory=list)

    @property
    def first_contact_resolution(self) -> float | None:
        return _rate(self.solved_first_contact, self.solved)

    @property
    def sla_compliance(self) -> float | None:
        return _rate(self.customer_clocks - self.customer_clocks_breached, self.customer_clocks)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class LevelEntry:
    """A ticket's time at one level, from its first entry into it: whether it was solved
    there (while at the level) and whether it ever left the level upward."""

    ticket_id: int
    level: int
    entered_at: datetime
    solved_here: bool  # solved at the level and never left it upward: first-contact resolved
    went_up: bool  # escalated (or routed) out of the level to a higher one at least once


def level_entries(trail: TicketTrail, until: datetime | None = None) -> list[LevelEntry]:
    """One entry per level the ticket reached (opened at, escalated, routed or bounced into),
    judged on the events before ``until``. A ticket that goes up, is bounced back and is then
    solved at the level has gone up from it: it is not solved there at first contact."""
    tier = trail.opened_tier
    first = {tier: trail.opened_at}
    solved: set[int] = set()
    up: set[int] = set()
    for event in trail.events:
        if until is not None and event.at >= until:
            break
        if event.action == "ticket.status_changed":
            if event.status == "solved":
                solved.add(tier)
            continue
        if event.to_tier is None or event.to_tier == tier:
            continue
        if event.to_tier > tier:
            up.add(tier)
        tier = event.to_tier
        first.setdefault(tier, event.at)
    return [
        LevelEntry(trail.ticket_id, level, at, level in solved and level not in up, level in up)
        for level, at in first.items()
    ]


def first_contact_resolution(
    trails: list[TicketTrail], since: datetime, until: datetime
) -> dict[int, tuple[int, int]]:
    """Per level: (tickets that first entered it in ``[since, until)``, how many of them were
    solved there without leaving it upward). Levels nothing entered are left out."""
    counts: dict[int, tuple[int, int]] = {}
    for trail in trails:
        for entry in level_entries(trail, until):
            if since <= entry.entered_at < until:
                entered, solved = counts.get(entry.level, (0, 0))
                counts[entry.level] = (entered + 1, solved + int(entry.solved_here))
    return counts


def compute_metrics(
    trails: list[TicketTrail],
    clocks: list[ClockVerdict],
    outcomes: list[tuple[datetime, str]],
    since: datetime,
    until: datetime,
) -> MetricsReport:
    levels = {tier: LevelMetrics(tier) for tier in LEVELS}
    totals = Counter[str]()
    for trail in trails:
        _count_trail(trail, levels, totals, since, until)
    customer = [c for c in clocks if c.customer_facing and since <= c.decided_at < until]
    for clock in clocks:
        if (
            clock.customer_facing
            or clock.tier not in levels
            or not since <= clock.decided_at < until
        ):
            continue
        levels[clock.tier].clocks += 1
        levels[clock.tier].clocks_breached += int(clock.breached)
    for level, (entered, solved_here) in first_contact_resolution(trails, since, until).items():
        if level in levels:
            levels[level].entered, levels[level].solved_first_contact = entered, solved_here
    mix = Counter(outcome for at, outcome in outcomes if since <= at < until)
    return MetricsReport(
        since=since,
        until=until,
        levels=list(levels.values()),
        solved=totals["solved"],
        solved_first_contact=totals["solved_first_contact"],
        escalations=totals["escalations"],
        bounces=totals["bounces"],
        customer_clocks=len(customer),
        customer_clocks_breached=sum(c.breached for c in customer),
        l3_outcomes={name: mix.get(name, 0) for name in ("known-fix", "more-info", "defect")},
    )


def _count_trail(
    trail: TicketTrail,
    levels: dict[int, LevelMetrics],
    totals: Counter[str],
    since: datetime,
    until: datetime,
) -> None:
    """Replay one ticket's trail: where it sat and for how long, what moved it."""
    if trail.opened_at >= until:
        return
    tier, active, entered = trail.opened_tier, True, trail.opened_at
    hours: dict[int, float] = {}
    visited: set[int] = set()  # levels it sat at within the period, even for no time at all
    escalated_beyond_intake = False
    escalated_in_period: set[int] = set()

    def leave(at: datetime) -> None:
        start, end = max(entered, since), min(at, until)
        if active and end >= start:
            visited.add(tier)
            hours[tier] = hours.get(tier, 0.0) + (end - start).total_seconds() / 3600

    for event in trail.events:
        if event.at >= until:
            break
        in_period = event.at >= since
        moved = event.to_tier is not None and event.to_tier != tier
        if event.action == "ticket.escalated" and event.from_tier is not None:
            escalated_beyond_intake |= event.from_tier > 0
            if in_period:
                totals["escalations"] += 1
                levels[event.from_tier].escalations_out += 1
                escalated_in_period.add(event.from_tier)
                if event.to_tier is not None:
                    levels[event.to_tier].escalations_in += 1
        elif event.action == "escalation.bounced" and in_period and event.from_tier is not None:
            totals["bounces"] += 1
            levels[event.from_tier].marked_solvable_lower += 1
            if event.to_tier is not None:
                levels[event.to_tier].bounced_back += 1
        elif event.action == "escalation.marked_solvable_lower" and in_period:
            if event.from_tier is not None:
                levels[event.from_tier].marked_solvable_lower += 1
        elif event.action == "ticket.status_changed" and event.status is not None:
            if event.status in _ENDED and active:
                leave(event.at)
                active = False
                if event.status == "solved" and in_period:
                    levels[tier].solved += 1
                    totals["solved"] += 1
                    if not escalated_beyond_intake:
                        totals["solved_first_contact"] += 1
            elif event.status not in _ENDED and not active:
                active, entered = True, event.at
        if moved:
            leave(event.at)
            assert event.to_tier is not None
            tier, entered = event.to_tier, event.at
    leave(until)
    for level in visited:
        levels[level].handled += 1
        levels[level].hours_in_level.append(round(hours[level], 4))
    for level in escalated_in_period:
        levels[level].escalated_out += 1
    if active:
        levels[tier].backlog += 1
