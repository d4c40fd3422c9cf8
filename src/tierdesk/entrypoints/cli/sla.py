"""``tierdesk sla …``: calendars, policies, level targets, a ticket's deadlines, a sweep now."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from tierdesk.domain.calendars import format_weekly_hours, parse_weekly_hours
from tierdesk.domain.people import Tier
from tierdesk.domain.sla import BreachAction
from tierdesk.domain.tickets import Priority
from tierdesk.entrypoints.cli.wiring import render_table, running_desk, say
from tierdesk.errors import NotFoundError
from tierdesk.services import deadlines, sla
from tierdesk.services.auth import SYSTEM
from tierdesk.services.sla_sweep import sweep_deadlines

sla_app = typer.Typer(
    help="Service levels: calendars, policies, level targets, deadlines.", no_args_is_help=True
)

_HOURS_HELP = 'Weekly hours, e.g. "mon-fri 09:00-12:30 13:30-18:00; sat 10:00-14:00".'
_ACTION_HELP = "What a breach does besides notifying: notify, raise-priority or escalate."


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="minutes") if moment else "-"


@sla_app.command("calendars")
def list_calendars() -> None:
    """List the business-hours calendars."""
    with running_desk() as app:
        calendars = sla.list_calendars(app.desk, SYSTEM)
    rows = [
        [
            str(c.id),
            c.name,
            c.timezone,
            format_weekly_hours(c.weekly),
            ", ".join(sorted(d.isoformat() for d in c.holidays)) or "-",
        ]
        for c in calendars
    ]
    say(render_table(["id", "name", "time zone", "hours", "holidays"], rows))


@sla_app.command("calendar-set")
def set_calendar(
    name: Annotated[str, typer.Argument(help="The calendar's name (created when new).")],
    hours: Annotated[str | None, typer.Option(help=_HOURS_HELP)] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone, e.g. Europe/Berlin.")
    ] = None,
    holiday: Annotated[
        list[str] | None, typer.Option(help="A holiday, YYYY-MM-DD; repeat; replaces the list.")
    ] = None,
    description: Annotated[str | None, typer.Option(help="What the calendar is for.")] = None,
) -> None:
    """Create a calendar or change one (running clocks on it are rescheduled)."""
    fields = sla.CalendarFields(
        name=name,
        timezone=timezone,
        hours=parse_weekly_hours(hours) if hours is not None else None,
        holidays=[_date(h) for h in holiday] if holiday is not None else None,
        description=description,
    )
    with running_desk() as app:
        try:
            sla.get_calendar(app.desk, SYSTEM, name)
        except NotFoundError:
            calendar = sla.create_calendar(app.desk, SYSTEM, fields)
            say(f"Created calendar {calendar.name} (id {calendar.id}).")
            return
        fields.name = None
        calendar = sla.update_calendar(app.desk, SYSTEM, name, fields)
    say(f"Calendar {calendar.name}: {format_weekly_hours(calendar.weekly)} ({calendar.timezone}).")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date like 2026-12-25") from exc


@sla_app.command("policies")
def list_policies() -> None:
    """List the SLA policies (targets in business minutes)."""
    with running_desk() as app:
        views = sla.list_policies(app.desk, SYSTEM)
    rows = [
        [
            str(v.policy.id),
            v.plan_key,
            str(v.policy.priority),
            str(v.policy.first_response_minutes),
            str(v.policy.next_response_minutes),
            str(v.policy.resolution_minutes),
            str(v.policy.warn_before_minutes),
            str(v.policy.breach_action),
            v.calendar_name,
        ]
        for v in views
    ]
    headers = [
        "id",
        "plan",
        "priority",
        "first",
        "next",
        "resolve",
        "warn",
        "on breach",
        "calendar",
    ]
    say(render_table(headers, rows))


@sla_app.command("policy-set")
def set_policy(
    plan: Annotated[str, typer.Option(help="Support plan key: basic, standard, premium…")],
    priority: Annotated[Priority, typer.Option(help="P1-P4.")],
    first_response: Annotated[int | None, typer.Option(help="Business minutes.")] = None,
    next_response: Annotated[int | None, typer.Option(help="Business minutes.")] = None,
    resolution: Annotated[int | None, typer.Option(help="Business minutes.")] = None,
    warn_before: Annotated[int | None, typer.Option(help="Business minutes; 0: none.")] = None,
    on_breach: Annotated[BreachAction | None, typer.Option(help=_ACTION_HELP)] = None,
    calendar: Annotated[str | None, typer.Option(help="Calendar name or id.")] = None,
) -> None:
    """Create the policy for a plan and priority, or change its targets."""
    fields = sla.PolicyFields(
        calendar=calendar,
        first_response_minutes=first_response,
        next_response_minutes=next_response,
        resolution_minutes=resolution,
        warn_before_minutes=warn_before,
        breach_action=on_breach,
    )
    with running_desk() as app:
        existing = next(
            (
                v
                for v in sla.list_policies(app.desk, SYSTEM)
                if v.plan_key == plan and v.policy.priority is priority
            ),
            None,
        )
        if existing is None:
            view = sla.create_policy(app.desk, SYSTEM, priority, plan, fields)
        else:
            view = sla.update_policy(app.desk, SYSTEM, existing.policy.id or 0, fields)
    p = view.policy
    say(
        f"{view.plan_key} {p.priority}: first response {p.first_response_minutes}, next "
        f"{p.next_response_minutes}, resolution {p.resolution_minutes} business minutes on "
        f"{view.calendar_name}; on breach {p.breach_action}."
    )


@sla_app.command("level-targets")
def list_level_targets() -> None:
    """List each level's targets (business minutes to pick up, to solve or hand on)."""
    with running_desk() as app:
        targets = sla.list_level_targets(app.desk, SYSTEM)
        calendars = {c.id: c.name for c in sla.list_calendars(app.desk, SYSTEM)}
    rows = [
        [
            t.tier.label,
            str(t.pickup_minutes),
            str(t.handoff_minutes),
            str(t.warn_before_minutes),
            str(t.breach_action),
            calendars.get(t.calendar_id, "?") if t.calendar_id else "the ticket's",
        ]
        for t in targets
    ]
    say(render_table(["level", "pickup", "hand-off", "warn", "on breach", "calendar"], rows))


@sla_app.command("level-target-set")
def set_level_target(
    level: Annotated[str, typer.Argument(help="0-4 or L0-L4.")],
    pickup: Annotated[int | None, typer.Option(help="Business minutes to pick up.")] = None,
    handoff: Annotated[
        int | None, typer.Option(help="Business minutes to solve or hand on.")
    ] = None,
    warn_before: Annotated[int | None, typer.Option(help="Business minutes.")] = None,
    on_breach: Annotated[BreachAction | None, typer.Option(help=_ACTION_HELP)] = None,
    calendar: Annotated[
        str | None, typer.Option(help='Calendar name or id; "" for the ticket\'s own.')
    ] = None,
) -> None:
    """Change a level's targets."""
    tier = Tier.parse(level)
    fields = sla.LevelTargetFields(pickup, handoff, warn_before, on_breach, calendar)
    with running_desk() as app:
        target = sla.set_level_target(app.desk, SYSTEM, tier, fields)
    say(
        f"{tier.label}: pickup {target.pickup_minutes}, hand-off {target.handoff_minutes} "
        f"business minutes; on breach {target.breach_action}."
    )


@sla_app.command("deadlines")
def ticket_deadlines(
    ticket: Annotated[str, typer.Argument(help="Ticket id or number (TD-1042).")],
) -> None:
    """Every SLA clock of a ticket."""
    with running_desk() as app:
        views = deadlines.ticket_deadlines(app.desk, SYSTEM, ticket)
    rows = []
    for view in views:
        d = view.deadline
        rows.append(
            [
                str(d.kind),
                d.tier.label if d.tier is not None else "-",
                d.state,
                str(d.target_minutes),
                _when(d.started_at),
                _when(d.due_at),
                "-" if view.business_minutes_left is None else str(view.business_minutes_left),
                "yes" if view.breached else "no",
            ]
        )
    headers = ["clock", "level", "state", "target", "started", "due", "left", "breached"]
    say(render_table(headers, rows))


@sla_app.command("sweep")
def sweep() -> None:
    """Fire the warnings and breaches that are due now (workers do this every minute)."""
    with running_desk() as app:
        result = sweep_deadlines(app.desk)
    say(f"Warned {result.warned}, breached {result.breached}.")
