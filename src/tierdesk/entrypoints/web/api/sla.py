"""/api/v1 SLA configuration (calendars, policies, level targets) and a ticket's deadlines.

Agents read, leads and admins change. The agent's own notifications (``/notifications``) live in
``api/notifications.py`` and are mounted through this router."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, Field

from tierdesk.domain.calendars import BusinessCalendar, hours_from_mapping, hours_to_mapping
from tierdesk.domain.people import Tier
from tierdesk.domain.sla import BreachAction, LevelTarget
from tierdesk.domain.tickets import Priority
from tierdesk.entrypoints.web.api import notifications
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas import Request
from tierdesk.services import deadlines, sla

router = APIRouter()
router.include_router(notifications.router)

Hours = dict[str, list[list[str]]]
_HOURS_HELP = (
    'Per weekday, periods of local time: {"mon": [["09:00", "18:00"]], …}; days left '
    "out are closed; 24:00 ends a day"
)
Minutes = Annotated[int, Field(ge=0, le=527_040)]

# -- calendars ----------------------------------------------------------------------------------


class CalendarOut(BaseModel):
    id: int
    name: str
    timezone: str
    hours: Hours
    holidays: list[date]
    description: str

    @classmethod
    def of(cls, calendar: BusinessCalendar) -> CalendarOut:
        return cls(
            id=calendar.id or 0,
            name=calendar.name,
            timezone=calendar.timezone,
            hours=hours_to_mapping(calendar.weekly),
            holidays=sorted(calendar.holidays),
            description=calendar.description,
        )


class CalendarCreate(Request):
    name: str = Field(min_length=1, max_length=120)
    timezone: str = Field(default="UTC", max_length=64, description="An IANA time zone")
    hours: Hours = Field(description=_HOURS_HELP)
    holidays: list[date] = Field(default_factory=list, max_length=1000)
    description: str = Field(default="", max_length=2000)


class CalendarPatch(Request):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    timezone: str | None = Field(default=None, max_length=64)
    hours: Hours | None = Field(default=None, description=_HOURS_HELP)
    holidays: list[date] | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=2000)


def _calendar_fields(body: CalendarCreate | CalendarPatch) -> sla.CalendarFields:
    return sla.CalendarFields(
        name=body.name,
        timezone=body.timezone,
        hours=hours_from_mapping(body.hours) if body.hours is not None else None,
        holidays=body.holidays,
        description=body.description,
    )


@router.get("/calendars", response_model=Page[CalendarOut], tags=["sla"])
def list_calendars(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[CalendarOut]:
    """Business-hours calendars SLA clocks run on."""
    return paginate([CalendarOut.of(c) for c in sla.list_calendars(desk, actor)], page)


@router.post(
    "/calendars", status_code=status.HTTP_201_CREATED, response_model=CalendarOut, tags=["sla"]
)
def create_calendar(body: CalendarCreate, desk: DeskDep, actor: CurrentActor) -> CalendarOut:
    """Add a business-hours calendar with its time zone and holidays."""
    return CalendarOut.of(sla.create_calendar(desk, actor, _calendar_fields(body)))


@router.get("/calendars/{calendar_ref}", response_model=CalendarOut, tags=["sla"])
def get_calendar(calendar_ref: str, desk: DeskDep, actor: CurrentActor) -> CalendarOut:
    """A calendar by id or name."""
    return CalendarOut.of(sla.get_calendar(desk, actor, calendar_ref))


@router.patch("/calendars/{calendar_ref}", response_model=CalendarOut, tags=["sla"])
def update_calendar(
    calendar_ref: str, body: CalendarPatch, desk: DeskDep, actor: CurrentActor
) -> CalendarOut:
    """Change a calendar; running clocks on it are rescheduled."""
    return CalendarOut.of(sla.update_calendar(desk, actor, calendar_ref, _calendar_fields(body)))


class HolidaysIn(Request):
    holidays: list[date] = Field(min_length=1, max_length=1000, description="ISO dates")


@router.post("/calendars/{calendar_ref}/holidays", response_model=CalendarOut, tags=["sla"])
def add_holidays(
    calendar_ref: str, body: HolidaysIn, desk: DeskDep, actor: CurrentActor
) -> CalendarOut:
    """Add holidays to a calendar (ones it has stay); running clocks on it are rescheduled."""
    return CalendarOut.of(sla.add_holidays(desk, actor, calendar_ref, body.holidays))


@router.delete("/calendars/{calendar_ref}/holidays/{day}", response_model=CalendarOut, tags=["sla"])
def remove_holiday(calendar_ref: str, day: date, desk: DeskDep, actor: CurrentActor) -> CalendarOut:
    """Make a date a working day again; running clocks on the calendar are rescheduled."""
    return CalendarOut.of(sla.remove_holiday(desk, actor, calendar_ref, day))


# -- policies -----------------------------------------------------------------------------------


class PolicyOut(BaseModel):
    id: int
    priority: Priority
    plan: str
    calendar: str
    first_response_minutes: int
    next_response_minutes: int
    resolution_minutes: int
    warn_before_minutes: int
    breach_action: BreachAction

    @classmethod
    def of(cls, view: sla.PolicyView) -> PolicyOut:
        policy = view.policy
        return cls(
            id=policy.id or 0,
            priority=policy.priority,
            plan=view.plan_key,
            calendar=view.calendar_name,
            first_response_minutes=policy.first_response_minutes,
            next_response_minutes=policy.next_response_minutes,
            resolution_minutes=policy.resolution_minutes,
            warn_before_minutes=policy.warn_before_minutes,
            breach_action=policy.breach_action,
        )


class PolicyPatch(Request):
    calendar: str | None = Field(default=None, description="Calendar id or name")
    first_response_minutes: Minutes | None = None
    next_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    warn_before_minutes: Minutes | None = Field(default=None, description="0: no warning")
    breach_action: BreachAction | None = None

    def fields(self) -> sla.PolicyFields:
        return sla.PolicyFields(**self.model_dump())


class PolicyCreate(PolicyPatch):
    priority: Priority
    plan: str = Field(min_length=1, max_length=40, description="Support plan key")

    def fields(self) -> sla.PolicyFields:
        return sla.PolicyFields(**self.model_dump(exclude={"priority", "plan"}))


@router.get("/sla-policies", response_model=Page[PolicyOut], tags=["sla"])
def list_policies(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[PolicyOut]:
    """SLA policies: response and resolution targets by priority and plan."""
    return paginate([PolicyOut.of(v) for v in sla.list_policies(desk, actor)], page)


@router.post(
    "/sla-policies", status_code=status.HTTP_201_CREATED, response_model=PolicyOut, tags=["sla"]
)
def create_policy(body: PolicyCreate, desk: DeskDep, actor: CurrentActor) -> PolicyOut:
    """Add an SLA policy for a priority (and optionally a plan)."""
    return PolicyOut.of(sla.create_policy(desk, actor, body.priority, body.plan, body.fields()))


@router.get("/sla-policies/{policy_id}", response_model=PolicyOut, tags=["sla"])
def get_policy(policy_id: RecordId, desk: DeskDep, actor: CurrentActor) -> PolicyOut:
    """One SLA policy."""
    return PolicyOut.of(sla.get_policy(desk, actor, policy_id))


@router.patch("/sla-policies/{policy_id}", response_model=PolicyOut, tags=["sla"])
def update_policy(
    policy_id: RecordId, body: PolicyPatch, desk: DeskDep, actor: CurrentActor
) -> PolicyOut:
    """New targets apply to clocks started from now on (and on a ticket's priority change)."""
    return PolicyOut.of(sla.update_policy(desk, actor, policy_id, body.fields()))


# -- level targets ------------------------------------------------------------------------------


class LevelTargetOut(BaseModel):
    level: int
    pickup_minutes: int
    handoff_minutes: int
    warn_before_minutes: int
    breach_action: BreachAction
    calendar_id: int | None = Field(description="None: the calendar of the ticket's SLA policy")

    @classmethod
    def of(cls, target: LevelTarget) -> LevelTargetOut:
        return cls(
            level=int(target.tier),
            pickup_minutes=target.pickup_minutes,
            handoff_minutes=target.handoff_minutes,
            warn_before_minutes=target.warn_before_minutes,
            breach_action=target.breach_action,
            calendar_id=target.calendar_id,
        )


class LevelTargetPatch(Request):
    pickup_minutes: Minutes | None = None
    handoff_minutes: Minutes | None = None
    warn_before_minutes: Minutes | None = None
    breach_action: BreachAction | None = None
    calendar: str | None = Field(
        default=None, description="Calendar id or name; empty: the ticket's own SLA calendar"
    )


Level = Annotated[int, Path(ge=0, le=4, description="0-4")]


@router.get("/level-targets", response_model=Page[LevelTargetOut], tags=["sla"])
def list_level_targets(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[LevelTargetOut]:
    """The time each level may hold an escalated ticket before it breaches."""
    return paginate([LevelTargetOut.of(t) for t in sla.list_level_targets(desk, actor)], page)


@router.get("/level-targets/{level}", response_model=LevelTargetOut, tags=["sla"])
def get_level_target(level: Level, desk: DeskDep, actor: CurrentActor) -> LevelTargetOut:
    """One level's escalation target."""
    return LevelTargetOut.of(sla.get_level_target(desk, actor, Tier(level)))


@router.patch("/level-targets/{level}", response_model=LevelTargetOut, tags=["sla"])
def set_level_target(
    level: Level, body: LevelTargetPatch, desk: DeskDep, actor: CurrentActor
) -> LevelTargetOut:
    """Change a level's escalation target."""
    fields = sla.LevelTargetFields(**body.model_dump())
    return LevelTargetOut.of(sla.set_level_target(desk, actor, Tier(level), fields))


# -- a ticket's deadlines -----------------------------------------------------------------------


class DeadlineOut(BaseModel):
    id: int
    clock: str
    level: int | None
    state: str = Field(description="running, paused, met or stopped")
    target_minutes: int
    calendar: str
    started_at: datetime
    due_at: datetime | None = Field(description="None while paused")
    warn_at: datetime | None
    paused_since: datetime | None
    paused_minutes: float = Field(description="Business time spent paused before now")
    business_minutes_left: float | None = Field(description="Negative once late")
    breached: bool
    warned_at: datetime | None
    breached_at: datetime | None = Field(description="When the sweep fired the breach")
    met_at: datetime | None
    stopped_at: datetime | None
    breach_action: BreachAction
    policy_id: int | None

    @classmethod
    def of(cls, view: deadlines.DeadlineView) -> DeadlineOut:
        d = view.deadline
        return cls(
            id=d.id or 0,
            clock=str(d.kind),
            level=int(d.tier) if d.tier is not None else None,
            state=d.state,
            target_minutes=d.target_minutes,
            calendar=view.calendar,
            started_at=d.started_at,
            due_at=d.due_at,
            warn_at=d.warn_at,
            paused_since=d.paused_since,
            paused_minutes=round(d.paused_seconds / 60, 1),
            business_minutes_left=view.business_minutes_left,
            breached=view.breached,
            warned_at=d.warned_at,
            breached_at=d.breached_at,
            met_at=d.met_at,
            stopped_at=d.stopped_at,
            breach_action=d.breach_action,
            policy_id=d.policy_id,
        )


@router.get("/tickets/{ticket_ref}/deadlines", response_model=Page[DeadlineOut], tags=["tickets"])
def ticket_deadlines(
    ticket_ref: str, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[DeadlineOut]:
    """Every SLA clock of the ticket (customers see the ones promised to them)."""
    return paginate(
        [DeadlineOut.of(v) for v in deadlines.ticket_deadlines(desk, actor, ticket_ref)], page
    )
