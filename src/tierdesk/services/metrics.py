"""Escalation-quality metrics per level (definitions in ``domain/metrics.py``): the one service
behind ``GET /api/v1/metrics``, ``tierdesk report`` and the dashboard.

The period. A lead picks the last 7, 30 or 90 days or all time. Asked for nothing, they get the
last 30 days — unless fewer than ``ENOUGH_TICKETS`` tickets saw any activity in them (a new
desk, an imported or demo history, a quiet spell), in which case the period widens to 90 days
and then to all time: rates over a handful of tickets say nothing, and an empty report is a
poor default. The report says which period it covers and why it was widened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tierdesk.domain.answers import AnswerCounts, count_answers
from tierdesk.domain.metrics import MetricsReport, compute_metrics
from tierdesk.domain.people import Actor, Tier
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.linked_records import product_id_for

# The periods a lead can choose, as the dashboard's query string names them; None: all time.
PERIODS: dict[str, timedelta | None] = {
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "all": None,
}
DEFAULT_PERIOD = "30d"
WIDER = ("90d", "all")  # tried in turn while the default period holds too little
ENOUGH_TICKETS = 20


@dataclass(frozen=True)
class MetricsPeriod:
    key: str  # one of PERIODS
    since: datetime
    until: datetime
    widened: str | None = None  # why the default period was widened to this one


@dataclass(frozen=True)
class PeriodReport:
    period: MetricsPeriod
    report: MetricsReport


def _bounds(uow: UnitOfWork, key: str, until: datetime, product_id: int | None) -> datetime:
    length = PERIODS[key]
    if length is not None:
        return until - length
    first = uow.metrics.first_event_at(product_id)
    # All time on a desk without tickets: a day, so that since stays before until.
    return min(first, until - timedelta(days=1)) if first else until - timedelta(days=1)


def _period(
    uow: UnitOfWork, key: str | None, until: datetime, product_id: int | None
) -> MetricsPeriod:
    if key is not None:
        if key not in PERIODS:
            raise InvalidInputError(
                f"unknown period {key!r}; use {', '.join(PERIODS)}", field="period"
            )
        return MetricsPeriod(key, _bounds(uow, key, until, product_id), until)
    since = _bounds(uow, DEFAULT_PERIOD, until, product_id)
    active = uow.metrics.active_tickets(since, until, product_id)
    if active >= ENOUGH_TICKETS:
        return MetricsPeriod(DEFAULT_PERIOD, since, until)
    for wider in WIDER:
        since = _bounds(uow, wider, until, product_id)
        if wider == "all" or uow.metrics.active_tickets(since, until, product_id) >= ENOUGH_TICKETS:
            break
    why = (
        f"the last 30 days saw activity on {active} ticket{'s' if active != 1 else ''}, "
        f"fewer than the {ENOUGH_TICKETS} the rates need"
    )
    return MetricsPeriod(wider, since, until, widened=why)


def metrics_for_period(
    desk: Desk,
    actor: Actor,
    period: str | None = None,
    product: str | None = None,
    level: Tier | None = None,
) -> PeriodReport:
    """The report for a named period ending now (``"7d"``, ``"30d"``, ``"90d"``, ``"all"``;
    None: the default, widened as the module docstring says)."""
    require_lead(actor, "read the escalation metrics")
    until = desk.clock.now()
    with desk.uow() as uow:
        product_id = product_id_for(uow, product)
        chosen = _period(uow, period, until, product_id)
    report = escalation_metrics(desk, actor, chosen.since, chosen.until, product, level)
    return PeriodReport(chosen, report)


def _answer_counts(uow: UnitOfWork, since: datetime, until: datetime) -> list[AnswerCounts]:
    """The answerer's counts for answers made in the period (all products: a queue is not a
    product's)."""
    attempts = list(uow.answers.made_between(since, until))
    tiers = uow.answers.tiers_of([a.ticket_id for a in attempts])
    escalated = {ticket_id for ticket_id, tier in tiers.items() if tier > Tier.L1}
    return count_answers(attempts, uow.answers.tickets_per_queue(since, until), escalated)


def escalation_metrics(
    desk: Desk,
    actor: Actor,
    since: datetime | None = None,
    until: datetime | None = None,
    product: str | None = None,
    level: Tier | None = None,
) -> MetricsReport:
    """The report for ``[since, until)`` (until defaults to now; since to the default period
    ending then), for one product or all, for one level or all."""
    require_lead(actor, "read the escalation metrics")
    until = until or desk.clock.now()
    if until.tzinfo is None or (since is not None and since.tzinfo is None):
        raise InvalidInputError("give since and until with a time zone (e.g. 2026-03-01T00:00Z)")
    with desk.uow() as uow:
        product_id = product_id_for(uow, product)
        if since is None:
            since = _period(uow, None, until, product_id).since
        if since >= until:
            raise InvalidInputError("since must be before until", field="since")
        trails = uow.metrics.trails(since, until, product_id)
        clocks = uow.metrics.clock_verdicts(since, until, product_id)
        outcomes = uow.metrics.outcomes(since, until, product_id)
        answers = _answer_counts(uow, since, until) if product_id is None else []
    report = compute_metrics(trails, clocks, outcomes, since, until)
    report.answers = answers
    if level is not None:
        report.levels = [m for m in report.levels if m.level == int(level)]
    return report
