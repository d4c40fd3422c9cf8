"""SLA configuration (calendars, policies per priority x plan, per-level targets) and the
deadlines of a ticket. Agents read the configuration; leads and admins change it, audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from tierdesk.domain.audit import audit_event
from tierdesk.domain.audit_query import parse_record_id
from tierdesk.domain.calendars import (
    BusinessCalendar,
    WeeklyHours,
    format_weekly_hours,
    require_working_time,
)
from tierdesk.domain.people import Actor, Tier
from tierdesk.domain.sla import BreachAction, LevelTarget, SlaPolicy
from tierdesk.domain.tickets import Priority
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent, require_lead
from tierdesk.services.desk import Desk

# -- calendars ----------------------------------------------------------------------------------


@dataclass
class CalendarFields:
    """What a lead may set on a calendar; None leaves a field as it is."""

    name: str | None = None
    timezone: str | None = None
    hours: WeeklyHours | None = None
    holidays: list[date] | None = None
    description: str | None = None


def find_calendar(uow: UnitOfWork, reference: str | int) -> BusinessCalendar:
    """A calendar by id or name."""
    text = str(reference).strip()
    calendar_id = parse_record_id(text)  # an id too large for the column names no calendar
    found = uow.calendars.get(calendar_id) if calendar_id is not None else None
    found = found or uow.calendars.named(text)
    if found is None:
        raise NotFoundError(f"calendar {text!r} not found", calendar=text)
    return found


def list_calendars(desk: Desk, actor: Actor) -> list[BusinessCalendar]:
    require_agent(actor, "read SLA calendars")
    with desk.uow() as uow:
        return uow.calendars.all()


def get_calendar(desk: Desk, actor: Actor, reference: str | int) -> BusinessCalendar:
    require_agent(actor, "read SLA calendars")
    with desk.uow() as uow:
        return find_calendar(uow, reference)


def create_calendar(desk: Desk, actor: Actor, fields: CalendarFields) -> BusinessCalendar:
    require_lead(actor, "create SLA calendars")
    if fields.name is None or fields.hours is None:
        raise InvalidInputError("a calendar needs a name and weekly hours")
    calendar = BusinessCalendar(
        name=fields.name.strip(),
        timezone=fields.timezone or "UTC",
        weekly=fields.hours,
        holidays=frozenset(fields.holidays or ()),
        description=(fields.description or "").strip(),
    )
    require_working_time(calendar)
    with desk.uow() as uow:
        if uow.calendars.named(calendar.name) is not None:
            raise ConflictError(f"calendar {calendar.name!r} exists already", field="name")
        stored = uow.calendars.add(calendar)
        uow.audit.add(
            audit_event(
                "business_calendar",
                "calendar.created",
                actor,
                desk.clock.now(),
                subject_id=stored.id,
                changes=_calendar_facts(stored),
            )
        )
        uow.commit()
    return stored


def update_calendar(
    desk: Desk, actor: Actor, reference: str | int, fields: CalendarFields
) -> BusinessCalendar:
    """Change a calendar. Running clocks on it are rescheduled (a new holiday moves them)."""
    require_lead(actor, "change SLA calendars")
    with desk.uow() as uow:
        old = find_calendar(uow, reference)
        new = replace(
            old,
            name=fields.name.strip() if fields.name is not None else old.name,
            timezone=fields.timezone if fields.timezone is not None else old.timezone,
            weekly=fields.hours if fields.hours is not None else old.weekly,
            holidays=frozenset(fields.holidays) if fields.holidays is not None else old.holidays,
            description=(
                fields.description.strip() if fields.description is not None else old.description
            ),
        )
        require_working_time(new)
        if new.name != old.name and uow.calendars.named(new.name) is not None:
            raise ConflictError(f"calendar {new.name!r} exists already", field="name")
        before, after = _calendar_facts(old), _calendar_facts(new)
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            uow.calendars.update(new)
            now = desk.clock.now()
            for deadline in uow.deadlines.running_on_calendar(new.id or 0):
                deadline.schedule(new)
                uow.deadlines.save(deadline)
            uow.audit.add(
                audit_event(
                    "business_calendar",
                    "calendar.updated",
                    actor,
                    now,
                    subject_id=new.id,
                    changes=changes,
                )
            )
            uow.commit()
    return new


def add_holidays(
    desk: Desk, actor: Actor, reference: str | int, days: list[date]
) -> BusinessCalendar:
    """Add holidays (one, or a year's list at once) to a calendar; ones it has stay."""
    require_lead(actor, "change SLA calendars")
    calendar = get_calendar(desk, actor, reference)
    holidays = sorted(calendar.holidays | set(days))
    return update_calendar(desk, actor, reference, CalendarFields(holidays=holidays))


def remove_holiday(desk: Desk, actor: Actor, reference: str | int, day: date) -> BusinessCalendar:
    require_lead(actor, "change SLA calendars")
    calendar = get_calendar(desk, actor, reference)
    if day not in calendar.holidays:
        raise NotFoundError(f"{day.isoformat()} is no holiday of {calendar.name}", field="day")
    holidays = sorted(calendar.holidays - {day})
    return update_calendar(desk, actor, reference, CalendarFields(holidays=holidays))


def _calendar_facts(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "timezone": calendar.timezone,
        "hours": format_weekly_hours(calendar.weekly),
        "holidays": sorted(d.isoformat() for d in calendar.holidays),
        "description": calendar.description,
    }


# -- policies -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyView:
    policy: SlaPolicy
    plan_key: str
    calendar_name: str


@dataclass
class PolicyFields:
    calendar: str | None = None  # id or name
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    warn_before_minutes: int | None = None
    breach_action: BreachAction | None = None


_POLICY_NUMBERS = (
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "warn_before_minutes",
)


def _view(uow: UnitOfWork, policy: SlaPolicy) -> PolicyView:
    plan = uow.organisations.plan_by_id(policy.plan_id)
    calendar = uow.calendars.get(policy.calendar_id)
    return PolicyView(policy, plan.key if plan else "?", calendar.name if calendar else "?")


def list_policies(desk: Desk, actor: Actor) -> list[PolicyView]:
    require_agent(actor, "read SLA policies")
    with desk.uow() as uow:
        return [_view(uow, p) for p in uow.sla.policies()]


def get_policy(desk: Desk, actor: Actor, policy_id: int) -> PolicyView:
    require_agent(actor, "read SLA policies")
    with desk.uow() as uow:
        return _view(uow, _policy(uow, policy_id))


def _policy(uow: UnitOfWork, policy_id: int) -> SlaPolicy:
    policy = uow.sla.policy(policy_id) if -(2**31) <= policy_id < 2**31 else None
    if policy is None:
        raise NotFoundError(f"SLA policy {policy_id} not found", policy=policy_id)
    return policy


def create_policy(
    desk: Desk, actor: Actor, priority: Priority, plan_key: str, fields: PolicyFields
) -> PolicyView:
    require_lead(actor, "create SLA policies")
    with desk.uow() as uow:
        plan = uow.organisations.plan(plan_key)
        if plan is None or plan.id is None:
            raise InvalidInputError(f"unknown plan {plan_key!r}", field="plan")
        if uow.sla.policy_for(priority, plan.id) is not None:
            raise ConflictError(
                f"the {plan.key} plan has a {priority} policy already; change that one",
                field="priority",
            )
        required = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
        numbers = {n: getattr(fields, n) for n in _POLICY_NUMBERS}
        missing = [n for n in required if numbers[n] is None]
        missing += ["calendar"] if fields.calendar is None else []
        if missing:
            raise InvalidInputError("a new policy needs " + ", ".join(missing), field=missing[0])
        assert fields.calendar is not None
        calendar = find_calendar(uow, fields.calendar)
        assert calendar.id is not None
        policy = SlaPolicy(
            priority=priority,
            plan_id=plan.id,
            calendar_id=calendar.id,
            first_response_minutes=numbers["first_response_minutes"],
            next_response_minutes=numbers["next_response_minutes"],
            resolution_minutes=numbers["resolution_minutes"],
            warn_before_minutes=numbers["warn_before_minutes"] or 0,  # 0: no warning
            breach_action=fields.breach_action or BreachAction.NOTIFY,
        )
        uow.sla.add_policy(policy)
        uow.audit.add(
            audit_event(
                "sla_policy",
                "sla_policy.created",
                actor,
                desk.clock.now(),
                subject_id=policy.id,
                changes=_policy_facts(policy, plan.key, calendar.name),
            )
        )
        uow.commit()
        return PolicyView(policy, plan.key, calendar.name)


def update_policy(desk: Desk, actor: Actor, policy_id: int, fields: PolicyFields) -> PolicyView:
    """Change a policy's targets. They apply to clocks started from now on; a ticket's running
    clocks take the new targets when its priority changes."""
    require_lead(actor, "change SLA policies")
    with desk.uow() as uow:
        policy = _policy(uow, policy_id)
        before = _policy_facts(policy, "", "")
        values: dict[str, Any] = {n: getattr(fields, n) for n in _POLICY_NUMBERS}
        values = {k: v for k, v in values.items() if v is not None}
        if fields.breach_action is not None:
            values["breach_action"] = fields.breach_action
        if fields.calendar is not None:
            values["calendar_id"] = find_calendar(uow, fields.calendar).id
        updated = replace(policy, **values)  # re-validates the targets
        after = _policy_facts(updated, "", "")
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            uow.sla.update_policy(updated)
            uow.audit.add(
                audit_event(
                    "sla_policy",
                    "sla_policy.updated",
                    actor,
                    desk.clock.now(),
                    subject_id=updated.id,
                    changes=changes,
                )
            )
            uow.commit()
        return _view(uow, updated)


def _policy_facts(policy: SlaPolicy, plan: str, calendar: str) -> dict[str, Any]:
    facts: dict[str, Any] = {n: getattr(policy, n) for n in _POLICY_NUMBERS}
    facts.update(
        priority=str(policy.priority),
        breach_action=str(policy.breach_action),
        calendar_id=policy.calendar_id,
    )
    if plan:
        facts["plan"] = plan
    if calendar:
        facts["calendar"] = calendar
    return facts


# -- level targets ------------------------------------------------------------------------------


@dataclass
class LevelTargetFields:
    pickup_minutes: int | None = None
    handoff_minutes: int | None = None
    warn_before_minutes: int | None = None
    breach_action: BreachAction | None = None
    calendar: str | None = None  # id or name; "" means the ticket's own SLA calendar


def list_level_targets(desk: Desk, actor: Actor) -> list[LevelTarget]:
    """Every level's targets (the levels API reads them through here)."""
    require_agent(actor, "read level targets")
    with desk.uow() as uow:
        return uow.sla.level_targets()


def get_level_target(desk: Desk, actor: Actor, tier: Tier) -> LevelTarget:
    require_agent(actor, "read level targets")
    with desk.uow() as uow:
        target = uow.sla.level_target(tier)
    if target is None:
        raise NotFoundError(f"no targets for level {tier.label}", level=int(tier))
    return target


def set_level_target(
    desk: Desk, actor: Actor, tier: Tier, fields: LevelTargetFields
) -> LevelTarget:
    require_lead(actor, "change level targets")
    with desk.uow() as uow:
        old = uow.sla.level_target(tier)
        values: dict[str, Any] = {
            k: v
            for k, v in {
                "pickup_minutes": fields.pickup_minutes,
                "handoff_minutes": fields.handoff_minutes,
                "warn_before_minutes": fields.warn_before_minutes,
                "breach_action": fields.breach_action,
            }.items()
            if v is not None
        }
        if fields.calendar is not None:
            values["calendar_id"] = (
                find_calendar(uow, fields.calendar).id if fields.calendar else None
            )
        if old is None:
            missing = {"pickup_minutes", "handoff_minutes"} - set(values)
            if missing:
                raise InvalidInputError(
                    f"level {tier.label} has no targets yet; give " + " and ".join(sorted(missing))
                )
            new = LevelTarget(
                tier=tier, warn_before_minutes=values.pop("warn_before_minutes", 0), **values
            )
        else:
            new = replace(old, **values)
        before = _target_facts(old) if old else {}
        after = _target_facts(new)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if changes:
            uow.sla.save_level_target(new)
            uow.audit.add(
                audit_event(
                    "level_target",
                    "level_target.updated",
                    actor,
                    desk.clock.now(),
                    subject_id=int(tier),
                    changes=changes,
                )
            )
            uow.commit()
        return new


def _target_facts(target: LevelTarget) -> dict[str, Any]:
    return {
        "pickup_minutes": target.pickup_minutes,
        "handoff_minutes": target.handoff_minutes,
        "warn_before_minutes": target.warn_before_minutes,
        "breach_action": str(target.breach_action),
        "calendar_id": target.calendar_id,
    }
