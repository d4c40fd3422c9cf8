"""The admin's business calendars (services/sla.py, the same calls as /api/v1/calendars):
create and edit a calendar (name, IANA time zone, weekly hours written as
``mon-fri 09:00-18:00; sat 10:00-14:00``), add holidays one at a time or as a pasted list,
remove one, and choose the calendar each SLA policy's clocks run on."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Annotated
from urllib.parse import quote_plus
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.calendars import parse_weekly_hours
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import sla
from tierdesk.services.access import require_lead

router = APIRouter(prefix="/admin", include_in_schema=False)

MAX_HOLIDAYS_AT_ONCE = 1000  # the API's limit


@cache
def time_zones() -> list[str]:
    """The IANA names the form suggests (the service refuses any other)."""
    return sorted(available_timezones())


def _back(request: Request, notice: str) -> Response:
    return go(request, f"/admin?notice={quote_plus(notice)}#calendars")


def holidays_from(text: str) -> list[date]:
    """Dates written as YYYY-MM-DD, separated by spaces, commas or lines (a pasted list)."""
    words = [w for w in re.split(r"[\s,;]+", text) if w]
    if not words:
        raise InvalidInputError("give a date like 2026-12-25", field="holidays")
    if len(words) > MAX_HOLIDAYS_AT_ONCE:
        raise InvalidInputError(f"at most {MAX_HOLIDAYS_AT_ONCE} dates at once", field="holidays")
    days = []
    for word in words:
        try:
            days.append(date.fromisoformat(word))
        except ValueError as exc:
            raise InvalidInputError(
                f"{word[:40]!r} is not a date like 2026-12-25", field="holidays"
            ) from exc
    return days


def _fields(name: str, timezone: str, hours: str, description: str) -> sla.CalendarFields:
    return sla.CalendarFields(
        name=name.strip(),
        timezone=timezone.strip(),
        hours=parse_weekly_hours(hours),
        description=description,
    )


@router.post("/calendars", dependencies=[Csrf])
def create_calendar(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    hours: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    if not hours.strip():
        raise InvalidInputError("give the working hours, like mon-fri 09:00-18:00", field="hours")
    created = sla.create_calendar(desk, agent, _fields(name, timezone, hours, description))
    return _back(request, f"Calendar {created.name} added")


@router.post("/calendars/{calendar_id}", dependencies=[Csrf])
def update_calendar(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    calendar_id: RecordId,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    hours: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    """Running clocks on the calendar are rescheduled by the service."""
    require_lead(agent, "use the admin pages")
    changed = sla.update_calendar(
        desk, agent, calendar_id, _fields(name, timezone, hours, description)
    )
    return _back(request, f"Calendar {changed.name} saved")


@router.post("/calendars/{calendar_id}/holidays", dependencies=[Csrf])
def add_holidays(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    calendar_id: RecordId,
    holidays: Annotated[str, Form()] = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    days = holidays_from(holidays)
    changed = sla.add_holidays(desk, agent, calendar_id, days)
    said = "Holiday" if len(days) == 1 else f"{len(days)} holidays"
    return _back(request, f"{said} added to {changed.name}")


@router.post("/calendars/{calendar_id}/holidays/remove", dependencies=[Csrf])
def remove_holiday(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    calendar_id: RecordId,
    day: Annotated[str, Form()] = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    [when] = holidays_from(day)[:1]
    changed = sla.remove_holiday(desk, agent, calendar_id, when)
    return _back(request, f"{when.isoformat()} is a working day again in {changed.name}")


@router.post("/policies/{policy_id}/calendar", dependencies=[Csrf])
def set_policy_calendar(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    policy_id: RecordId,
    calendar: Annotated[str, Form()] = "",
) -> Response:
    """Clocks the policy starts from now on run on the chosen calendar."""
    require_lead(agent, "use the admin pages")
    if not calendar.strip():
        raise InvalidInputError("choose a calendar", field="calendar")
    view = sla.update_policy(desk, agent, policy_id, sla.PolicyFields(calendar=calendar))
    return _back(
        request, f"The {view.plan_key} {view.policy.priority} policy runs on {view.calendar_name}"
    )
