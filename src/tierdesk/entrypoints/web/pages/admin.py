"""Admin pages for leads and admins: agents and their levels, skills and languages;
organisations and plans; SLA policies and calendars; queues; automation rules; macros."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.people import Agent, Tier
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import agents, people, queues, rules, saved_views, sla, tickets
from tierdesk.services.access import require_lead

router = APIRouter(prefix="/admin", include_in_schema=False)


def _lead(agent: Agent) -> Agent:
    require_lead(agent, "use the admin pages")
    return agent


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace(";", ",").split(",") if w.strip()]


def _number(text: str, field: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInputError(f"{field} must be a whole number", field=field)
    return int(text)


@router.get("")
def admin_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    _lead(agent)
    organisations = people.list_organisations(desk, agent)
    plans = {p.id: p for p in people.list_plans(desk)}
    context = {
        "user": agent,
        "agents": people.list_agents(desk, agent),
        "organisations": organisations,
        "plans": plans,
        "plan_list": list(plans.values()),
        "policies": sla.list_policies(desk, agent),
        "calendars": sla.list_calendars(desk, agent),
        "queues": queues.list_queues(desk, agent),
        "products": tickets.list_products(desk),
        "rules": rules.list_rules(desk, agent),
        "macros": saved_views.list_macros(desk, agent),
        "tiers": [int(t) for t in Tier],
    }
    return render(request, "admin.html", context)


@router.post("/agents/{agent_id}", dependencies=[Csrf])
def update_agent(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    agent_id: int,
    tiers: Annotated[list[int] | None, Form()] = None,
    skills: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
    queue_keys: Annotated[str, Form()] = "",
    capacity: Annotated[str, Form()] = "20",
) -> Response:
    _lead(agent)
    agents.update_agent(
        desk,
        agent,
        agent_id,
        agents.AgentChanges(
            tiers=tiers or [],
            skills=_words(skills),
            languages=_words(languages),
            queues=_words(queue_keys),
            capacity=_number(capacity, "capacity"),
        ),
    )
    return go(request, "/admin?notice=Agent+saved#agents")


@router.post("/organisations", dependencies=[Csrf])
def create_organisation(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Annotated[str, Form()],
    plan: Annotated[str, Form()],
    domains: Annotated[str, Form()] = "",
) -> Response:
    _lead(agent)
    people.create_organisation(
        desk, agent, people.NewOrganisation(name=name, plan=plan, email_domains=_words(domains))
    )
    return go(request, "/admin?notice=Organisation+added#organisations")


@router.post("/policies/{policy_id}", dependencies=[Csrf])
def update_policy(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    policy_id: int,
    first_response_minutes: Annotated[str, Form()],
    next_response_minutes: Annotated[str, Form()],
    resolution_minutes: Annotated[str, Form()],
) -> Response:
    _lead(agent)
    sla.update_policy(
        desk,
        agent,
        policy_id,
        sla.PolicyFields(
            first_response_minutes=_number(first_response_minutes, "first_response_minutes"),
            next_response_minutes=_number(next_response_minutes, "next_response_minutes"),
            resolution_minutes=_number(resolution_minutes, "resolution_minutes"),
        ),
    )
    return go(request, "/admin?notice=Policy+saved#sla")


@router.post("/queues", dependencies=[Csrf])
def create_queue(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    key: Annotated[str, Form()],
    name: Annotated[str, Form()],
    tier: Annotated[str, Form()],
    product: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
) -> Response:
    _lead(agent)
    queues.create_queue(
        desk,
        agent,
        queues.NewQueue(
            key=key,
            name=name,
            tier=Tier.parse(tier),
            product=product or None,
            languages=_words(languages),
        ),
    )
    return go(request, "/admin?notice=Queue+added#queues")


@router.post("/rules/{rule_id}", dependencies=[Csrf])
def toggle_rule(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    rule_id: int,
    enabled: Annotated[str, Form()],
) -> Response:
    _lead(agent)
    rules.update_rule(desk, agent, rule_id, rules.RuleChanges(enabled=enabled == "true"))
    return go(request, "/admin?notice=Rule+saved#rules")


@router.post("/macros", dependencies=[Csrf])
def add_macro(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    body: Annotated[str, Form()],
) -> Response:
    saved_views.add_macro(desk, agent, name, kind, body)
    return go(request, "/admin?notice=Macro+added#macros")


@router.post("/macros/{macro_id}/delete", dependencies=[Csrf])
def delete_macro(request: Request, desk: DeskDep, agent: WebAgent, macro_id: int) -> Response:
    saved_views.delete_macro(desk, agent, macro_id)
    return go(request, "/admin?notice=Macro+deleted#macros")
