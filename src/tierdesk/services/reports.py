"""Trend reports for leads (definitions in ``domain/reports.py``): figures per week or month
and per level, queue, agent or organisation, and the tickets behind any one of them.

The span is bounded (``domain.reports.UNITS``): the trail-based figures replay the tickets
touched in it, the others are counted by grouped queries in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.people import Actor
from tierdesk.domain.reports import (
    FIGURES,
    Cell,
    Period,
    TrendReport,
    check_report,
    order_groups,
    period_start,
    periods_until,
    replay_trends,
)
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.reports import Grouped
from tierdesk.services.access import access_tickets, require_lead
from tierdesk.services.desk import Desk

DRILL_LIMIT = 200  # tickets a drill-down lists; it says how many more there are
_TRAIL_FIGURES = ("backlog", "fcr", "escalation_rate", "bounce_rate")


def _replayed(
    uow: UnitOfWork, periods: list[Period], grouping: str, now: datetime
) -> dict[tuple[int, str], Cell]:
    trails = uow.metrics.trails(periods[0].start, now, None)
    keys = uow.reports.ticket_keys([t.ticket_id for t in trails]) if grouping != "level" else {}
    return replay_trends(trails, keys, periods, grouping, now)


def _merge(cells: dict[tuple[int, str], Cell], counts: Grouped, figure: str) -> None:
    for key, (a, b) in counts.items():
        cell = cells.setdefault(key, Cell())
        if figure == "sla":
            cell.sla_met, cell.sla_breached = a, b
        elif figure == "csat":
            cell.csat_count, cell.csat_sum = a, b
        else:
            cell.deflections = a


def trend_report(
    desk: Desk, actor: Actor, unit: str = "week", count: int | None = None, grouping: str = "level"
) -> TrendReport:
    """The last ``count`` weeks or months (the current one included), per group."""
    require_lead(actor, "read the reports")
    count = check_report(unit, count, grouping)
    now = desk.clock.now()
    periods = periods_until(unit, now, count)
    with desk.uow() as uow:
        cells = _replayed(uow, periods, grouping, now)
        _merge(cells, uow.reports.sla_counts(periods, grouping), "sla")
        _merge(cells, uow.reports.csat_counts(periods, grouping), "csat")
        _merge(cells, uow.reports.deflection_counts(periods, grouping), "self_service")
        found = {group for _, group in cells}
        labels = uow.reports.labels(grouping, found | set(order_groups(grouping, found, {})))
    return TrendReport(
        unit, grouping, periods, order_groups(grouping, found, labels), cells, labels
    )


@dataclass(frozen=True)
class DrillDown:
    """The tickets one bar counts (those the actor may see, up to ``DRILL_LIMIT``)."""

    period: Period
    label: str  # the group's name
    counted: int  # how many tickets the bar counts
    tickets: list[Ticket]
    hits: set[int]  # of them, those counted in the figure's numerator (solved there, met, ...)


def _behind(
    uow: UnitOfWork, figure: str, period: Period, grouping: str, group: str, now: datetime
) -> tuple[set[int], set[int]]:
    if figure in _TRAIL_FIGURES:
        cell = _replayed(uow, [period], grouping, now).get((0, group)) or Cell()
        entered = {ticket_id for ticket_id, _ in cell.entered}
        return {
            "backlog": (cell.backlog, set()),
            "fcr": (entered, {ticket_id for ticket_id, _ in cell.solved_here}),
            "escalation_rate": (entered, {ticket_id for ticket_id, _ in cell.went_up}),
            "bounce_rate": (cell.escalated_tickets, cell.bounced_tickets),
        }[figure]
    if figure == "sla":
        return uow.reports.sla_tickets(period, grouping, group)
    return uow.reports.csat_tickets(period, grouping, group), set()


def report_tickets(
    desk: Desk,
    actor: Actor,
    figure: str,
    unit: str,
    grouping: str,
    group: str,
    start: datetime,
) -> DrillDown:
    """The tickets behind one figure of one group in the period holding ``start``."""
    require_lead(actor, "read the reports")
    check_report(unit, 1, grouping)
    if figure not in FIGURES or figure == "self_service":
        raise InvalidInputError(
            "tickets are listed for backlog, fcr, escalation_rate, bounce_rate, sla and csat",
            field="figure",
        )
    if start.tzinfo is None:
        raise InvalidInputError("give the start with a time zone", field="start")
    begin = period_start(unit, start)
    period = periods_until(unit, begin, 1)[0]
    now = desk.clock.now()
    with desk.uow() as uow:
        counted, hits = _behind(uow, figure, period, grouping, group, now)
        shown = access_tickets(uow, actor, sorted(counted, reverse=True)[:DRILL_LIMIT])
        label = uow.reports.labels(grouping, [group]).get(group, group)
    return DrillDown(period, label, len(counted), shown, hits & counted)
