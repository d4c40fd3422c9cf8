"""Admin pages for leads and admins: agents and their levels, skills and languages;
organisations and plans; SLA policies and calendars; queues; automation rules; macros."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.calendars import format_weekly_hours
from tierdesk.domain.people import (
    MIN_PASSWORD_LENGTH,
    PLAN_COVERAGES,
    Agent,
    Role,
    Tier,
    grantable_roles,
)
from tierdesk.domain.sla import BreachAction
from tierdesk.domain.tickets import Priority
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.errors import STATUS_BY_CODE
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.admin_calendars import time_zones
from tierdesk.entrypoints.web.pages.admin_routing import CONDITION_FIELDS
from tierdesk.entrypoints.web.pages.rendering import go, is_htmx, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import ConflictError, InvalidInputError
from tierdesk.services import agents, macros, people, queues, rules, sla, tickets
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk

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


@dataclass
class NewAgentForm:
    """What was typed into "Add an agent", shown again (without the password) after an error."""

    email: str = ""
    name: str = ""
    tiers: list[str] = field(default_factory=lambda: ["1"])
    role: str = str(Role.AGENT)
    skills: str = ""
    languages: str = "en"
    queues: list[str] = field(default_factory=list)
    capacity: str = "20"

    def to_new_agent(self, password: str) -> people.NewAgent:
        try:
            role = Role(self.role)
        except ValueError as exc:
            raise InvalidInputError(f"unknown role {self.role!r}", field="role") from exc
        return people.NewAgent(
            email=self.email,
            name=self.name,
            tiers=[int(Tier.parse(t)) for t in self.tiers],
            role=role,
            skills=_words(self.skills),
            languages=_words(self.languages),
            queues=list(self.queues),
            capacity=_number(self.capacity, "capacity"),
            password=password or None,
        )


def _context(desk: Desk, agent: Agent) -> dict[str, Any]:
    organisations = people.list_organisations(desk, agent)
    plans = {p.id: p for p in people.list_plans(desk)}
    calendars = sla.list_calendars(desk, agent)
    return {
        "user": agent,
        "agents": people.list_agents(desk, agent),
        "organisations": organisations,
        "plans": plans,
        "plan_list": list(plans.values()),
        "policies": sla.list_policies(desk, agent),
        "calendars": calendars,
        "calendar_hours": {c.id: format_weekly_hours(c.weekly) for c in calendars},
        "time_zones": time_zones(),
        "breach_actions": [str(a) for a in BreachAction],
        "priorities": [str(p) for p in Priority],
        "plan_coverages": PLAN_COVERAGES,
        "queues": queues.list_queues(desk, agent),
        "products": tickets.list_products(desk),
        "rules": rules.list_rules(desk, agent),
        "routing_rules": queues.list_routing_rules(desk, agent),
        "condition_fields": CONDITION_FIELDS,
        "macros": macros.list_macros(desk, agent),
        "tiers": [int(t) for t in Tier],
        "answer_policies": [str(p) for p in AnswerPolicy],
        # Only the roles this person may hand out are offered; the service enforces the same.
        "grantable_roles": [str(r) for r in grantable_roles(agent.role)],
        "min_password_length": MIN_PASSWORD_LENGTH,
        "new_agent": NewAgentForm(),
        "new_agent_error": "",
    }


@router.get("")
def admin_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    _lead(agent)
    return render(request, "admin.html", _context(desk, agent))


@router.post("/agents", dependencies=[Csrf])
def create_agent(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    tiers: Annotated[list[str] | None, Form()] = None,
    role: Annotated[str, Form()] = str(Role.AGENT),
    skills: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
    queue_keys: Annotated[list[str] | None, Form()] = None,
    capacity: Annotated[str, Form()] = "20",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Add an agent (the service audits ``agent.created`` and refuses a role the signed-in
    person may not grant). A mistake shows the form again, filled in, with the reason (sent
    by HTMX, the form is still on the page: the reason goes next to its field)."""
    _lead(agent)
    typed = NewAgentForm(
        email, name, tiers or [], role, skills, languages, queue_keys or [], capacity
    )
    try:
        created = people.create_agent(desk, agent, typed.to_new_agent(password))
    except (InvalidInputError, ConflictError) as error:
        if is_htmx(request):
            raise
        context = {**_context(desk, agent), "new_agent": typed, "new_agent_error": error.message}
        return render(request, "admin.html", context, STATUS_BY_CODE[error.code])
    return go(request, f"/admin?notice={quote_plus(f'Agent {created.name} added')}#agents")


@router.post("/agents/{agent_id}/active", dependencies=[Csrf])
def set_agent_active(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    agent_id: RecordId,
    active: Annotated[str, Form()],
) -> Response:
    """Deactivate (no sign-in, no new tickets routed to them; their history stays) or
    reactivate an agent; audited as ``agent.updated``."""
    _lead(agent)
    on = active == "true"
    agents.update_agent(desk, agent, agent_id, agents.AgentChanges(active=on))
    notice = "Agent+reactivated" if on else "Agent+deactivated"
    return go(request, f"/admin?notice={notice}#agents")


@router.post("/agents/{agent_id}/password", dependencies=[Csrf])
def set_agent_password(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    agent_id: int,
    password: Annotated[str, Form()],
) -> Response:
    """Give another agent a new password (audited as ``password.set``); every session they
    have ends, so whoever held one must sign in with the new password."""
    _lead(agent)
    agents.update_agent(desk, agent, agent_id, agents.AgentChanges(password=password))
    return go(request, "/admin?notice=Password+set.+Their+sessions+were+signed+out.#agents")


@router.post("/agents/{agent_id}", dependencies=[Csrf])
def update_agent(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    agent_id: RecordId,
    tiers: Annotated[list[int] | None, Form()] = None,
    skills: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
    queue_keys: Annotated[str, Form()] = "",
    # No default: an emptied box reaches us as no value, and set the capacity to 20 unasked.
    capacity: Annotated[str, Form()] = "",
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


@router.post("/queues/{key}/answers", dependencies=[Csrf])
def set_answer_policy(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    key: str,
    answers: Annotated[str, Form()] = "",
) -> Response:
    """What the answerer does on the queue's new tickets (issue 17)."""
    _lead(agent)
    queues.update_queue(desk, agent, key, queues.QueueChanges(answers=answers))
    return go(request, "/admin?notice=Answer+policy+saved#queues")


@router.post("/plans/{key}/answers", dependencies=[Csrf])
def set_plan_answers(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    key: str,
    answers: Annotated[str, Form()] = "",
) -> Response:
    """The most the answerer may do on a plan's tickets, whatever its queues allow."""
    _lead(agent)
    people.set_plan_answers(desk, agent, key, answers)
    return go(request, "/admin?notice=Plan+answer+cap+saved#queues")


@router.post("/macros", dependencies=[Csrf])
def add_macro(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    body: Annotated[str, Form()],
    status: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "",
    type_: Annotated[str, Form(alias="type")] = "",
    add_tags: Annotated[str, Form()] = "",
    remove_tags: Annotated[str, Form()] = "",
    assign_to_me: Annotated[bool, Form()] = False,
) -> Response:
    actions = {
        "status": status,
        "priority": priority,
        "type": type_,
        "add_tags": add_tags,
        "remove_tags": remove_tags,
        "assign_to_me": assign_to_me,
    }
    macros.add_macro(desk, agent, name, kind, body, actions)
    return go(request, "/admin?notice=Macro+added#macros")


@router.post("/macros/{macro_id}/delete", dependencies=[Csrf])
def delete_macro(request: Request, desk: DeskDep, agent: WebAgent, macro_id: RecordId) -> Response:
    macros.delete_macro(desk, agent, macro_id)
    return go(request, "/admin?notice=Macro+deleted#macros")
