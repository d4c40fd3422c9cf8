"""The admin's plans: add a plan (its SLA policies copied from another), rename it or change
what it covers, move an organisation to another plan, and add an SLA policy for a plan and
priority (services/plans.py and services/sla.py, the same calls as /api/v1/plans,
/api/v1/organisations and /api/v1/sla-policies). A refused value is named on its field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.people import Tier
from tierdesk.domain.sla import BreachAction
from tierdesk.domain.tickets import Priority
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import plans, sla
from tierdesk.services.access import require_lead

router = APIRouter(prefix="/admin", include_in_schema=False)

Text = Annotated[str, Form()]


def level(text: str) -> Tier:
    try:
        return Tier.parse(text)
    except (InvalidInputError, ValueError) as exc:
        raise InvalidInputError(f"{text!r} is not a level", field="highest_level") from exc


def minutes(text: str, field: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise InvalidInputError(f"{field.replace('_', ' ')} must be a whole number", field=field)
    return int(text)


def breach_action(text: str) -> BreachAction:
    try:
        return BreachAction(text)
    except ValueError as exc:
        known = ", ".join(a.value for a in BreachAction)
        raise InvalidInputError(f"on breach: {known}", field="breach_action") from exc


@router.post("/plans", dependencies=[Csrf])
def add_plan(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    key: Text = "",
    name: Text = "",
    coverage: Text = "business-hours",
    highest_level: Text = "2",
    description: Text = "",
    policies_from: Text = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    new = plans.NewPlan(
        key, name, coverage, level(highest_level), description, policies_from or None
    )
    plans.create_plan(desk, agent, new)
    return go(request, "/admin?notice=Plan+added#organisations")


@router.post("/plans/{key}", dependencies=[Csrf])
def save_plan(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    key: str,
    name: Text = "",
    coverage: Text = "",
    highest_level: Text = "",
    description: Text = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    changes = plans.PlanChanges(
        name=name, coverage=coverage or None, highest_tier=level(highest_level),
        description=description,
    )  # fmt: skip
    plans.update_plan(desk, agent, key, changes)
    return go(request, "/admin?notice=Plan+saved#organisations")


@router.post("/organisations/{organisation_id}/plan", dependencies=[Csrf])
def move_organisation(
    request: Request, desk: DeskDep, agent: WebAgent, organisation_id: RecordId, plan: Text = ""
) -> Response:
    require_lead(agent, "use the admin pages")
    plans.set_organisation_plan(desk, agent, organisation_id, plan)
    return go(request, "/admin?notice=Organisation+moved+to+the+plan#organisations")


@router.post("/policies", dependencies=[Csrf])
def add_policy(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    plan: Text = "",
    priority: Text = "",
    calendar: Text = "",
    first_response_minutes: Text = "",
    next_response_minutes: Text = "",
    resolution_minutes: Text = "",
    warn_before_minutes: Text = "",
    breach: Annotated[str, Form(alias="breach_action")] = "notify",
) -> Response:
    require_lead(agent, "use the admin pages")
    try:
        chosen = Priority(priority.strip().upper())
    except ValueError as exc:
        raise InvalidInputError(f"unknown priority {priority!r}", field="priority") from exc
    fields = sla.PolicyFields(
        calendar=calendar or None,
        first_response_minutes=minutes(first_response_minutes, "first_response_minutes"),
        next_response_minutes=minutes(next_response_minutes, "next_response_minutes"),
        resolution_minutes=minutes(resolution_minutes, "resolution_minutes"),
        warn_before_minutes=minutes(warn_before_minutes, "warn_before_minutes"),
        breach_action=breach_action(breach),
    )
    sla.create_policy(desk, agent, chosen, plan, fields)
    return go(request, "/admin?notice=Policy+added#sla")


@router.post("/policies/{policy_id}", dependencies=[Csrf])
def update_policy(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    policy_id: RecordId,
    first_response_minutes: Text = "",
    next_response_minutes: Text = "",
    resolution_minutes: Text = "",
    warn_before_minutes: Text = "",
    breach: Annotated[str, Form(alias="breach_action")] = "",
    calendar: Text = "",
) -> Response:
    """A policy's targets, its warning lead time, what a breach does and its calendar."""
    require_lead(agent, "use the admin pages")
    sla.update_policy(
        desk,
        agent,
        policy_id,
        sla.PolicyFields(
            calendar=calendar or None,
            first_response_minutes=_target(first_response_minutes, "first_response_minutes"),
            next_response_minutes=_target(next_response_minutes, "next_response_minutes"),
            resolution_minutes=_target(resolution_minutes, "resolution_minutes"),
            # as on a new policy: no number is no warning
            warn_before_minutes=minutes(warn_before_minutes, "warn_before_minutes") or 0,
            breach_action=breach_action(breach) if breach else None,
        ),
    )
    return go(request, "/admin?notice=Policy+saved#sla")


def _target(text: str, field: str) -> int:
    """The row sends every target it shows: one emptied is a mistake to point at, not "leave
    it as it is" (the page said "Policy saved" and kept the old target)."""
    value = minutes(text, field)
    if value is None:
        what = field.removesuffix("_minutes").replace("_", " ")
        raise InvalidInputError(f"give the {what} target in minutes", field=field)
    return value
