"""Dashboards per level: backlog for everyone; for leads the open outage proposals (declare
the incident in one click) and the escalation-quality figures (first-contact resolution,
escalation and bounce-back rates, time in level, SLA compliance), satisfaction and
self-service, drawn as server-side SVG bar charts."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tierdesk.domain.people import Tier
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.charts import bar_chart
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.entrypoints.web.pages.sessions import WebAgent
from tierdesk.entrypoints.web.pages.understanding import proposal_numbers
from tierdesk.ports import TicketFilter
from tierdesk.services import csat, deflection, metrics, outages, tickets
from tierdesk.services.work_queue import ACTIVE_STATUSES

router = APIRouter(include_in_schema=False)

PERIOD_LABELS = {
    "7d": "the last 7 days",
    "30d": "the last 30 days",
    "90d": "the last 90 days",
    "all": "all time",
}


@router.get("/dashboard")
def dashboard(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    period: str | None = Query(default=None, pattern="^(7d|30d|90d|all)?$"),
) -> Response:
    backlog = [
        (
            f"L{int(tier)}",
            float(
                tickets.list_tickets(
                    desk, agent, TicketFilter(status=ACTIVE_STATUSES, tier=(int(tier),)), 1
                ).total
            ),
        )
        for tier in Tier
    ]
    charts = [bar_chart("Backlog: open tickets per level (that you may see)", backlog)]
    summary = None
    proposals = outages.list_proposals(desk, agent) if agent.is_lead else []
    if agent.is_lead:
        # No period in the query string: the service's default, which widens past 30 days
        # when they hold too little to mean anything (a demo, a new desk).
        chosen = metrics.metrics_for_period(desk, agent, period or None)
        report, since = chosen.report, chosen.period.since
        levels = report.levels
        charts += [
            bar_chart(
                "First-contact resolution: tickets entering the level solved there",
                [(f"L{m.level}", m.first_contact_resolution) for m in levels],
                percent=True,
            ),
            bar_chart(
                "Escalation rate",
                [(f"L{m.level}", m.escalation_rate) for m in levels],
                percent=True,
            ),
            bar_chart(
                "Bounce-back rate of escalations out of the level",
                [(f"L{m.level}", m.bounce_back_rate) for m in levels],
                percent=True,
            ),
            bar_chart(
                "SLA compliance (level clocks)",
                [(f"L{m.level}", m.sla_compliance) for m in levels],
                percent=True,
            ),
            bar_chart(
                "Median hours in level",
                [(f"L{m.level}", m.median_hours) for m in levels],
                unit=" h",
            ),
        ]
        summary = {
            "report": report,
            "period": chosen.period,
            "csat": csat.csat_since(desk, agent, since),
            "deflections": len(deflection.deflections_since(desk, since)),
        }
    context = {
        "user": agent,
        "charts": charts,
        "summary": summary,
        "periods": PERIOD_LABELS,
        "asked": period or "",
        "proposals": proposals,
        "numbers": proposal_numbers(desk, proposals),
    }
    return render(request, "dashboard.html", context)
