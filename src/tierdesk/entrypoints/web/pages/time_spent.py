"""Time spent on the ticket page and under /reports: the ticket's time panel (entries, totals,
time in status and at each level, a quick "log time" form), an entry's edit page, and the
leads' report of logged time per organisation, contract, agent or period, with its CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tierdesk.domain.report_tables import csv_text
from tierdesk.domain.tickets import format_ticket_number
from tierdesk.domain.time_spent import GROUPINGS, format_minutes, parse_work_date, report_table
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import RepeatedRequestError
from tierdesk.services import time_entries
from tierdesk.services.desk import Desk

router = APIRouter(include_in_schema=False)
_GROUP = Query(default="organisation", pattern=f"^({'|'.join(GROUPINGS)})$")


def _notice(text: str) -> str:
    return urlencode({"notice": text})


@router.get("/tickets/{reference}/time")
def time_panel(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    spent = time_entries.ticket_time(desk, agent, reference)
    context = {
        "user": agent,
        "spent": spent,
        "reference": spent.ticket.number,
        "today": desk.clock.now().date().isoformat(),
        "hm": format_minutes,
    }
    return render(request, "_time_spent.html", context)


@router.post("/tickets/{reference}/time", dependencies=[Csrf])
def log_time(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    minutes: Annotated[str, Form(max_length=40)] = "",
    day: Annotated[str, Form(alias="date", max_length=20)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
    billable: Annotated[str, Form(max_length=10)] = "",
    form_key: forms.FormKey = None,
) -> Response:
    """Log time (``billable`` is the checkbox: sent when ticked)."""
    work_date = parse_work_date(day, desk.clock.now().date())
    logged = time_entries.LoggedTime(minutes, work_date, note, billable == "yes")
    try:
        entry = time_entries.log_time(desk, agent, reference, logged, idempotency_key=form_key)
    except RepeatedRequestError:  # a double click: the first post logged it
        return go(request, f"/tickets/{reference}?{_notice('Time logged')}#time")
    spent = format_minutes(entry.minutes)
    return go(request, f"/tickets/{reference}?{_notice(f'Logged {spent}')}#time")


def _ticket_url(desk: Desk, ticket_id: int) -> str:
    return f"/tickets/{format_ticket_number(desk.ticket_prefix, ticket_id)}"


@router.get("/time-entries/{entry_id}/edit")
def edit_page(request: Request, desk: DeskDep, agent: WebAgent, entry_id: RecordId) -> Response:
    entry = time_entries.get_time_entry(desk, agent, entry_id)
    context = {
        "user": agent,
        "entry": entry,
        "minutes": format_minutes(entry.minutes),
        "back": _ticket_url(desk, entry.ticket_id),
    }
    return render(request, "time_entry.html", context)


@router.post("/time-entries/{entry_id}", dependencies=[Csrf])
def save_entry(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    entry_id: RecordId,
    minutes: Annotated[str, Form(max_length=40)] = "",
    day: Annotated[str, Form(alias="date", max_length=20)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
    billable: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    work_date = parse_work_date(day, desk.clock.now().date())
    changes = time_entries.TimeChanges(minutes, work_date, note, billable == "yes")
    entry = time_entries.edit_time_entry(desk, agent, entry_id, changes)
    return go(request, f"{_ticket_url(desk, entry.ticket_id)}?{_notice('Time entry saved')}#time")


@router.post("/time-entries/{entry_id}/delete", dependencies=[Csrf])
def delete_entry(request: Request, desk: DeskDep, agent: WebAgent, entry_id: RecordId) -> Response:
    ticket_id = time_entries.get_time_entry(desk, agent, entry_id).ticket_id
    time_entries.delete_time_entry(desk, agent, entry_id)
    return go(request, f"{_ticket_url(desk, ticket_id)}?{_notice('Time entry deleted')}#time")


@router.get("/reports/time")
def time_report_page(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    since: date | None = None,
    until: date | None = None,
    group: str = _GROUP,
) -> Response:
    span_note = ""
    if since is not None and until is not None and until < since:
        # the page's two date fields swapped by hand: shown the right way round, and said so,
        # rather than an error page that dropped the choices
        since, until = until, since
        span_note = "From was after To: the report runs the other way round."
    report = time_entries.time_report(desk, agent, since, until, group)
    query = {"since": report.since.isoformat(), "until": report.until.isoformat(), "group": group}
    context = {
        "user": agent,
        "span_note": span_note,
        "report": report,
        "groupings": GROUPINGS,
        "hm": format_minutes,
        "csv": f"/reports/time.csv?{urlencode(query)}",
    }
    return render(request, "report_time.html", context)


@router.get("/reports/time.csv")
def time_report_csv(
    desk: DeskDep,
    agent: WebAgent,
    since: date | None = None,
    until: date | None = None,
    group: str = _GROUP,
) -> Response:
    """The report's table: minutes billable and not, billable hours, entries, tickets."""
    report = time_entries.time_report(desk, agent, since, until, group)
    header, rows = report_table(report.totals, group)
    name = f"tierdesk-time-by-{group}-{report.since}-{report.until}.csv"
    return Response(
        csv_text(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
