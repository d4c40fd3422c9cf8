"""/api/v1/reports: the trend report's figures per period and group (the same as the reports
page and its CSV)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from tierdesk.domain.report_tables import report_rows
from tierdesk.domain.reports import GROUPINGS, UNITS
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.services import reports

router = APIRouter(tags=["metrics and L3 outcomes"])


class ReportPeriodOut(BaseModel):
    start: datetime
    end: datetime


class ReportGroupOut(BaseModel):
    key: str
    label: str


class ReportRowOut(BaseModel):
    """One group in one period. Rates are None when nothing was there to count."""

    period_start: datetime
    period_end: datetime
    group: str
    group_label: str
    backlog: int
    entered: int
    solved_here: int
    fcr: float | None
    went_up: int
    escalation_rate: float | None
    escalations: int
    bounced: int
    bounce_rate: float | None
    sla_met: int
    sla_breached: int
    sla_compliance: float | None
    csat_count: int
    csat_average: float | None
    self_service: int


class ReportOut(BaseModel):
    unit: str
    group: str
    periods: list[ReportPeriodOut]
    groups: list[ReportGroupOut]
    rows: list[ReportRowOut]


@router.get("/reports", response_model=ReportOut)
def get_report(
    desk: DeskDep,
    actor: CurrentActor,
    unit: str = Query(default="week", pattern=f"^({'|'.join(UNITS)})$"),
    count: int | None = Query(default=None, ge=1, le=max(UNITS.values())),
    group: str = Query(default="level", pattern=f"^({'|'.join(GROUPINGS)})$"),
) -> ReportOut:
    """Backlog, first-contact resolution, escalation and bounce rates, SLA compliance, CSAT and
    self-service for the last ``count`` weeks or months (12 weeks or 6 months by default; at
    most 26 or 12), per level, queue, agent (assignee) or organisation. Definitions in
    design.md ("Reports"). Self-service has no level, queue or agent: grouped by them it is
    reported under the group ``*`` (the whole desk). Leads and admins."""
    report = reports.trend_report(desk, actor, unit, count, group)
    return ReportOut(
        unit=report.unit,
        group=report.grouping,
        periods=[ReportPeriodOut(start=p.start, end=p.end) for p in report.periods],
        groups=[ReportGroupOut(key=g, label=report.labels.get(g, g)) for g in report.groups],
        rows=[ReportRowOut.model_validate(row) for row in report_rows(report)],
    )
