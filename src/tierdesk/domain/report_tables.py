"""A trend report as tables: one row per period and group with every figure (the API's and the
whole CSV's shape), or one figure as groups × periods (what the page shows under each chart),
and the CSV text of either."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from tierdesk.domain.reports import TrendReport

FIGURE_TITLES = {
    "backlog": "Backlog: open at the end of the period",
    "fcr": "First-contact resolution: entering tickets solved at the level",
    "escalation_rate": "Escalation rate: entering tickets that went up",
    "bounce_rate": "Bounce rate: escalations out that were bounced back",
    "sla": "SLA compliance: first response and resolution clocks met",
    "csat": "Satisfaction: average rating (1–5)",
    "self_service": "Self-service: portal questions answered by a suggestion",
}
PERCENT_FIGURES = ("fcr", "escalation_rate", "bounce_rate", "sla")
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def report_rows(report: TrendReport) -> list[dict[str, Any]]:
    """Every figure of every group in every period, oldest period first."""
    rows = []
    for number, period in enumerate(report.periods):
        for group in _groups(report):
            c = report.cell(number, group)
            rows.append(
                {
                    "period_start": period.start,
                    "period_end": period.end,
                    "group": group,
                    "group_label": report.labels.get(group, group),
                    "backlog": len(c.backlog),
                    "entered": len(c.entered),
                    "solved_here": len(c.solved_here),
                    "fcr": c.fcr,
                    "went_up": len(c.went_up),
                    "escalation_rate": c.escalation_rate,
                    "escalations": c.escalations,
                    "bounced": c.bounced,
                    "bounce_rate": c.bounce_rate,
                    "sla_met": c.sla_met,
                    "sla_breached": c.sla_breached,
                    "sla_compliance": c.sla_compliance,
                    "csat_count": c.csat_count,
                    "csat_average": c.csat_average,
                    "self_service": c.deflections,
                }
            )
    return rows


def _groups(report: TrendReport) -> list[str]:
    groups = list(report.groups)
    if report.grouping != "organisation":
        groups.append(report.groups_for("self_service")[0])  # the whole desk's self-service
    return groups


def figure_table(report: TrendReport, figure: str) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of one figure: a row per group, a column per period."""
    header = [report.grouping] + [p.start.date().isoformat() for p in report.periods]
    rows = [
        [report.labels.get(group, group)]
        + [report.cell(n, group).value(figure) for n in range(len(report.periods))]
        for group in report.groups_for(figure)
    ]
    return header, rows


def csv_cell(value: Any) -> str:
    """A value as CSV text; one a spreadsheet would run as a formula is prefixed with '."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()
