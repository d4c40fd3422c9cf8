"""The admin's levels: each support level's name, what it may see, what a hand-off to it must
carry, and what it promises (time to pick up, time to solve or hand on, the warning, what a
breach does, on which calendar): services/levels.py and services/sla.py, the same calls as
`PATCH /api/v1/levels/{level}` and `PATCH /api/v1/level-targets/{level}`. Leads and admins;
a refused value is named on its field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.handoff import PacketField
from tierdesk.domain.people import Tier
from tierdesk.domain.sla import BreachAction
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.admin_plans import breach_action, minutes
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.services import levels, sla
from tierdesk.services.access import require_lead

router = APIRouter(prefix="/admin/levels", include_in_schema=False)

Text = Annotated[str, Form()]


@router.get("")
def levels_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    require_lead(agent, "use the admin pages")
    targets = {t.tier: t for t in sla.list_level_targets(desk, agent)}
    calendars = sla.list_calendars(desk, agent)
    context = {
        "user": agent,
        "levels": [(v, targets.get(v.level.tier)) for v in levels.list_levels(desk, agent)],
        "calendars": {c.id: c.name for c in calendars},
        "packet_fields": [(f.value, f.value.replace("_", " ")) for f in PacketField],
        "breach_actions": [a.value for a in BreachAction],
    }
    return render(request, "admin/levels.html", context)


@router.post("/{level}", dependencies=[Csrf])
def save_level(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    level: str,
    name: Text = "",
    description: Text = "",
    # Checkboxes: sent only when ticked, so the form as a whole says what is wanted.
    takes_from_customers: Text = "",
    sees_restricted: Text = "",
    required_packet_fields: Annotated[list[str] | None, Form()] = None,
) -> Response:
    tier = Tier.parse(level)
    changes = levels.LevelChanges(
        name=name,
        description=description,
        takes_from_customers=takes_from_customers == "yes",
        sees_restricted=sees_restricted == "yes",
        required_packet_fields=required_packet_fields or [],
    )
    levels.update_level(desk, agent, tier, changes)
    return go(request, f"/admin/levels?notice={tier.label}+saved#level-{int(tier)}")


@router.post("/{level}/target", dependencies=[Csrf])
def save_target(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    level: str,
    pickup_minutes: Text = "",
    handoff_minutes: Text = "",
    warn_before_minutes: Text = "",
    breach_action_: Annotated[str, Form(alias="breach_action")] = "notify",
    calendar: Text = "",
) -> Response:
    tier = Tier.parse(level)
    fields = sla.LevelTargetFields(
        pickup_minutes=minutes(pickup_minutes, "pickup_minutes"),
        handoff_minutes=minutes(handoff_minutes, "handoff_minutes"),
        warn_before_minutes=minutes(warn_before_minutes, "warn_before_minutes"),
        breach_action=breach_action(breach_action_),
        calendar=calendar,  # "": the ticket's own SLA calendar
    )
    sla.set_level_target(desk, agent, tier, fields)
    return go(request, f"/admin/levels?notice={tier.label}+targets+saved#level-{int(tier)}")
