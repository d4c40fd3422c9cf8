"""/api/v1/time-entries: time agents log on tickets; /api/v1/reports/time: logged time per
organisation, contract, agent or period; /api/v1/tickets/{ref}/time-in-status: how long a
ticket spent in each status and at each level. Agents only (customers never see logged time);
the report is for leads and admins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from tierdesk.domain.tickets import format_ticket_number
from tierdesk.domain.time_spent import GROUPINGS, TimeEntry
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate_fetched
from tierdesk.entrypoints.web.schemas import Request
from tierdesk.services import time_entries

router = APIRouter(tags=["time spent"])

_MINUTES = Field(
    description='Minutes as a number, or as typed: "90", "1.5h", "1h 30m" (at most a day)',
    examples=["1h 30m"],
)


class TimeEntryOut(BaseModel):
    id: int
    ticket_id: int
    ticket: str = Field(description="The ticket's number")
    agent_id: int
    minutes: int
    date: dt.date
    note: str
    billable: bool
    created_at: dt.datetime
    updated_at: dt.datetime


def _out(entry: TimeEntry, prefix: str) -> TimeEntryOut:
    return TimeEntryOut(
        id=entry.id or 0,
        ticket_id=entry.ticket_id,
        ticket=format_ticket_number(prefix, entry.ticket_id),
        agent_id=entry.agent_id,
        minutes=entry.minutes,
        date=entry.work_date,
        note=entry.note,
        billable=entry.billable,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )


class TimeEntryIn(Request):
    ticket: str = Field(min_length=1, max_length=40, description="The ticket's id or number")
    minutes: int | str = _MINUTES
    date: dt.date | None = Field(default=None, description="The day of the work; today if left out")
    note: str = Field(default="", max_length=2000)
    billable: bool = True


class TimeEntryPatch(Request):
    minutes: int | str | None = Field(default=None, description=_MINUTES.description)
    date: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)
    billable: bool | None = None


@router.get("/time-entries", response_model=Page[TimeEntryOut])
def list_entries(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    ticket: str | None = Query(default=None, max_length=40, description="Of this ticket only"),
    agent_id: Annotated[RecordId | None, Query(description="Logged by this agent")] = None,
    since: Annotated[dt.date | None, Query(description="From this day")] = None,
    until: Annotated[dt.date | None, Query(description="To this day, included")] = None,
) -> Page[TimeEntryOut]:
    """Time entries, newest day first. Agents see their own (and, with `ticket`, that
    ticket's, when they may open it); leads and admins anyone's."""

    def fetch(count: int) -> list[TimeEntryOut]:
        found = time_entries.list_time_entries(
            desk,
            actor,
            ticket=ticket,
            agent_id=agent_id,
            since=since,
            until=until,
            limit=count,
        )
        return [_out(e, desk.ticket_prefix) for e in found]

    return paginate_fetched(fetch, page)


@router.post("/time-entries", response_model=TimeEntryOut, status_code=status.HTTP_201_CREATED)
def log_time(body: TimeEntryIn, desk: DeskDep, actor: CurrentActor) -> TimeEntryOut:
    """Log time on a ticket you may open. A duration that cannot be read is a 422 on
    `minutes`."""
    logged = time_entries.LoggedTime(body.minutes, body.date, body.note, body.billable)
    return _out(time_entries.log_time(desk, actor, body.ticket, logged), desk.ticket_prefix)


@router.get("/time-entries/{entry_id}", response_model=TimeEntryOut)
def get_entry(entry_id: RecordId, desk: DeskDep, actor: CurrentActor) -> TimeEntryOut:
    """One time entry, if you may open its ticket."""
    return _out(time_entries.get_time_entry(desk, actor, entry_id), desk.ticket_prefix)


@router.patch("/time-entries/{entry_id}", response_model=TimeEntryOut)
def edit_entry(
    entry_id: RecordId, body: TimeEntryPatch, desk: DeskDep, actor: CurrentActor
) -> TimeEntryOut:
    """Change your own entry (leads and admins: anyone's); what is left out stays."""
    changes = time_entries.TimeChanges(body.minutes, body.date, body.note, body.billable)
    entry = time_entries.edit_time_entry(desk, actor, entry_id, changes)
    return _out(entry, desk.ticket_prefix)


@router.delete("/time-entries/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_entry(entry_id: RecordId, desk: DeskDep, actor: CurrentActor) -> Response:
    """Delete your own entry (leads and admins: anyone's); the trail keeps that it was."""
    time_entries.delete_time_entry(desk, actor, entry_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class TimeTotalOut(BaseModel):
    key: str
    label: str
    billable_minutes: int
    non_billable_minutes: int
    total_minutes: int
    entries: int
    tickets: int


class TimeReportOut(BaseModel):
    since: dt.date
    until: dt.date
    group: str
    billable_minutes: int
    non_billable_minutes: int
    groups: list[TimeTotalOut]


@router.get("/reports/time", response_model=TimeReportOut)
def time_report(
    desk: DeskDep,
    actor: CurrentActor,
    since: Annotated[dt.date | None, Query(description="From this day (default: the 1st)")] = None,
    until: Annotated[dt.date | None, Query(description="To this day (default: today)")] = None,
    group: str = Query(default="organisation", pattern=f"^({'|'.join(GROUPINGS)})$"),
    organisation_id: Annotated[RecordId | None, Query(description="One organisation")] = None,
) -> TimeReportOut:
    """Logged time per organisation, contract (the organisation's support plan), agent,
    month or week, billable and not, for the days `since`…`until` (this month by default).
    Leads and admins."""
    report = time_entries.time_report(desk, actor, since, until, group, organisation_id)
    return TimeReportOut(
        since=report.since,
        until=report.until,
        group=report.grouping,
        billable_minutes=report.billable,
        non_billable_minutes=report.unbilled,
        groups=[
            TimeTotalOut(
                key=t.key,
                label=t.label,
                billable_minutes=t.billable,
                non_billable_minutes=t.unbilled,
                total_minutes=t.total,
                entries=t.entries,
                tickets=len(t.tickets),
            )
            for t in report.totals
        ],
    )


class StatusSpanOut(BaseModel):
    name: str = Field(description="A status, or a level as L0-L4")
    minutes: float


class StatusTimeOut(BaseModel):
    current_status: str
    since: dt.datetime
    until: dt.datetime
    statuses: list[StatusSpanOut]
    levels: list[StatusSpanOut]


@router.get("/tickets/{reference}/time-in-status", response_model=StatusTimeOut)
def time_in_status(reference: str, desk: DeskDep, actor: CurrentActor) -> StatusTimeOut:
    """How long the ticket spent in each status and at each level, read from its trail (up to
    its closing, or now). Agents who may open the ticket."""
    spent = time_entries.status_time(desk, actor, reference)
    return StatusTimeOut(
        current_status=spent.current_status,
        since=spent.since,
        until=spent.until,
        statuses=[
            StatusSpanOut(name=s, minutes=round(d.total_seconds() / 60, 1))
            for s, d in spent.statuses
        ],
        levels=[
            StatusSpanOut(name=f"L{t}", minutes=round(d.total_seconds() / 60, 1))
            for t, d in spent.levels
        ],
    )
