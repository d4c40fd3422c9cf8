"""Reports for leads: a figure's trend per week or month and per level, queue, agent or
organisation (domain/reports.py), drawn as server-side SVG columns that each link to the
tickets behind them, with its table and a CSV of it or of every figure."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tierdesk.domain.report_tables import (
    FIGURE_TITLES,
    PERCENT_FIGURES,
    csv_text,
    figure_table,
    report_rows,
)
from tierdesk.domain.reports import FIGURES, GROUPINGS, UNITS, TrendReport
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.charts import column_chart, value_text
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.entrypoints.web.pages.sessions import WebAgent
from tierdesk.services import reports

router = APIRouter(include_in_schema=False)

CHARTS_SHOWN = 12  # groups drawn as charts; the table below lists every group
GROUP_NAMES = {
    "level": "Level",
    "queue": "Queue",
    "agent": "Agent",
    "organisation": "Organisation",
}
_UNIT = Query(default="week", pattern=f"^({'|'.join(UNITS)})$")
_GROUP = Query(default="level", pattern=f"^({'|'.join(GROUPINGS)})$")
_FIGURE = Query(default="fcr", pattern=f"^({'|'.join(FIGURES)})$")
_DRILLABLE = tuple(f for f in FIGURES if f != "self_service")


def _tickets_link(report: TrendReport, figure: str, group: str, period: int) -> str | None:
    if figure not in _DRILLABLE:
        return None
    query = {
        "figure": figure,
        "unit": report.unit,
        "group": report.grouping,
        "key": group,
        "start": report.periods[period].start.isoformat(),
    }
    return f"/reports/tickets?{urlencode(query)}"


def _label(report: TrendReport, number: int) -> str:
    start = report.periods[number].start
    return start.strftime("%d %b") if report.unit == "week" else start.strftime("%b %y")


def _format(figure: str, value: float | None) -> str:
    return value_text(value, percent=figure in PERCENT_FIGURES)


@router.get("/reports")
def reports_page(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    unit: str = _UNIT,
    count: int | None = Query(default=None, ge=1, le=max(UNITS.values())),
    group: str = _GROUP,
    figure: str = _FIGURE,
) -> Response:
    count_note = ""
    if unit in UNITS and count is not None and count > UNITS[unit]:
        # The form's one count field allows the longest unit's span: switching weeks to
        # months with 24 in it ended on an error page that dropped every choice.
        count, count_note = UNITS[unit], f"A report spans 1 to {UNITS[unit]} {unit}s."
    report = reports.trend_report(desk, agent, unit, count, group)
    groups = report.groups_for(figure)
    top = max(
        [
            v
            for g in groups
            for n in range(len(report.periods))
            if (v := report.cell(n, g).value(figure))
        ]
        + [0.0]
    )
    charts = [
        column_chart(
            report.labels.get(g, g),
            [
                (
                    _label(report, n),
                    report.cell(n, g).value(figure),
                    _tickets_link(report, figure, g, n),
                )
                for n in range(len(report.periods))
            ],
            percent=figure in PERCENT_FIGURES,
            top=top or None,
        )
        for g in groups[:CHARTS_SHOWN]
    ]
    _, rows = figure_table(report, figure)
    table: list[dict[str, Any]] = [
        {
            "label": row[0],
            "cells": [
                (_format(figure, value), _tickets_link(report, figure, g, n))
                for n, value in enumerate(row[1:])
            ],
        }
        for g, row in zip(groups, rows, strict=True)
    ]
    shared = {"unit": unit, "group": group}
    if count is not None:
        shared["count"] = str(count)
    context = {
        "user": agent,
        "report": report,
        "figure": figure,
        "figures": FIGURE_TITLES,
        "groupings": GROUP_NAMES,
        "units": UNITS,
        "count": len(report.periods),
        "count_note": count_note,
        "charts": charts,
        "more_groups": max(len(groups) - CHARTS_SHOWN, 0),
        "header": [GROUP_NAMES[group]] + [_label(report, n) for n in range(len(report.periods))],
        "table": table,
        "query": urlencode(shared),
        "csv_figure": f"/reports.csv?{urlencode({**shared, 'figure': figure})}",
        "csv_all": f"/reports.csv?{urlencode(shared)}",
    }
    return render(request, "reports.html", context)


@router.get("/reports.csv")
def reports_csv(
    desk: DeskDep,
    agent: WebAgent,
    unit: str = _UNIT,
    count: int | None = Query(default=None, ge=1, le=max(UNITS.values())),
    group: str = _GROUP,
    figure: str | None = Query(default=None, pattern=f"^({'|'.join(FIGURES)})$"),
) -> Response:
    """One figure's table (groups × periods) or, without a figure, every figure per period and
    group."""
    report = reports.trend_report(desk, agent, unit, count, group)
    if figure is not None:
        header, rows = figure_table(report, figure)
        name = f"tierdesk-{figure}-by-{group}-per-{unit}.csv"
    else:
        dicts = report_rows(report)
        header = list(dicts[0]) if dicts else ["period_start"]
        rows = [list(d.values()) for d in dicts]
        name = f"tierdesk-report-by-{group}-per-{unit}.csv"
    return Response(
        csv_text(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/reports/tickets")
def report_tickets_page(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    start: datetime,
    figure: str = Query(pattern=f"^({'|'.join(_DRILLABLE)})$"),
    key: str = Query(default="", max_length=200),
    unit: str = _UNIT,
    group: str = _GROUP,
) -> Response:
    drill = reports.report_tickets(desk, agent, figure, unit, group, key, start)
    hit_label = {
        "fcr": "solved at the level",
        "escalation_rate": "went up",
        "bounce_rate": "bounced back",
        "sla": "met",
    }.get(figure)
    context = {
        "user": agent,
        "drill": drill,
        "title": FIGURE_TITLES[figure],
        "grouping": GROUP_NAMES[group],
        "hit_label": hit_label,
        "back": f"/reports?{urlencode({'unit': unit, 'group': group, 'figure': figure})}",
    }
    return render(request, "report_tickets.html", context)
