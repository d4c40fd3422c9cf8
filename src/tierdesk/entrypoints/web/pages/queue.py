"""The agent's queues: per level, most urgent SLA clock first, with filters, saved views, bulk
assignment and a search box."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tierdesk.domain.audit_query import parse_record_id
from tierdesk.domain.people import Agent, Tier
from tierdesk.domain.tickets import Priority, Status
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import incidents, people, queues, saved_views, tickets
from tierdesk.services.work_queue import ACTIVE_STATUSES, QueueFilters, work_queue

router = APIRouter(include_in_schema=False)

LANGUAGES = ("en", "de", "it", "fr", "es")


def levels_of(agent: Agent) -> list[int]:
    """The levels whose queues an agent works; leads and admins look at every level."""
    return [int(t) for t in Tier] if agent.is_lead else sorted(agent.tiers)


def _filters(
    agent: Agent,
    tier: str | None,
    queue: str | None,
    product: str | None,
    language: str | None,
    priority: str | None,
    status: str | None,
    assignee: str | None,
    q: str | None,
) -> QueueFilters:
    level: int | None = None
    if tier not in (None, "", "all"):
        level = int(Tier.parse(tier))
    assignee_id, unassigned = None, False
    if assignee == "me":
        assignee_id = agent.id
    elif assignee == "none":
        unassigned = True
    elif assignee:
        assignee_id = parse_record_id(assignee)
        if assignee_id is None:
            raise InvalidInputError("assignee is 'me', 'none' or an agent id", field="assignee")
    if priority and priority not in {str(p) for p in Priority}:
        raise InvalidInputError(f"unknown priority {priority!r}", field="priority")
    statuses: tuple[str, ...] = ACTIVE_STATUSES
    if status == "all":
        statuses = ()
    elif status:
        if status not in {str(s) for s in Status}:
            raise InvalidInputError(f"unknown status {status!r}", field="status")
        statuses = (status,)
    return QueueFilters(
        tier=level,
        queue=queue or None,
        product=product or None,
        language=language or None,
        priority=(priority,) if priority else (),
        status=statuses,
        assignee_id=assignee_id,
        unassigned=unassigned,
        text=q.strip() if q and q.strip() else None,
    )


@router.get("/queue")
def queue_page(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    tier: Annotated[str | None, Query()] = None,
    queue: str | None = None,
    product: str | None = None,
    language: str | None = None,
    priority: str | None = None,
    status: str | None = None,
    assignee: str | None = None,
    q: str | None = None,
) -> Response:
    levels = levels_of(agent)
    if tier is None and levels:
        tier = str(levels[0]) if not agent.is_lead else "all"
    filters = _filters(agent, tier, queue, product, language, priority, status, assignee, q)
    rows = work_queue(desk, agent, filters)
    chosen = {
        "tier": tier or "all",
        "queue": queue or "",
        "product": product or "",
        "language": language or "",
        "priority": priority or "",
        "status": status or "",
        "assignee": assignee or "",
        "q": q or "",
    }
    context = {
        "user": agent,
        "rows": rows,
        "levels": levels,
        "chosen": chosen,
        "query": urlencode({k: v for k, v in chosen.items() if v}),
        "queues": [qu for qu in queues.list_queues(desk, agent) if qu.active],
        "products": tickets.list_products(desk),
        "languages": LANGUAGES,
        "priorities": [str(p) for p in Priority],
        "statuses": [str(s) for s in Status],
        "agents": [a for a in people.list_agents(desk, agent) if a.active],
        "views": saved_views.list_views(desk, agent),
        "incidents": [
            i for i, _count in incidents.list_incidents(desk, agent) if i.status != "resolved"
        ],
        "now": desk.clock.now(),
    }
    template = (
        "_queue_rows.html" if request.headers.get("HX-Target") == "queue-rows" else "queue.html"
    )
    return render(request, template, context)


def _ticked(ticket: list[str] | None) -> list[str]:
    # Said at the top of the bulk form, beside its button: naming the field would put the
    # message after the first row's box.
    if not ticket:
        raise InvalidInputError("tick one or more tickets first")
    return ticket


@router.post("/queue/assign", dependencies=[Csrf])
def bulk_assign(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    assignee: Annotated[str, Form()],
    ticket: Annotated[list[str] | None, Form()] = None,
    back: Annotated[str, Form()] = "",
) -> Response:
    """Assign the ticked tickets: to me, to someone else (leads), or to nobody."""
    ticket = _ticked(ticket)
    target: int | None
    if assignee == "me":
        target = agent.id
    elif assignee == "none":
        target = None
    elif (agent_id := parse_record_id(assignee)) is not None:
        target = agent_id
    else:
        raise InvalidInputError("choose who gets the tickets", field="assignee")
    for reference in ticket:
        tickets.assign_ticket(desk, agent, reference, target)
    return go(request, f"/queue?{back}&notice=Assigned+{len(ticket)}+tickets")


@router.post("/queue/link-incident", dependencies=[Csrf])
def bulk_link_incident(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    incident: Annotated[str, Form()],
    ticket: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Link the ticked tickets to an open incident, all or none."""
    ticket = _ticked(ticket)
    incident_id = parse_record_id(incident)
    if incident_id is None:
        raise InvalidInputError("choose the incident to link to", field="incident")
    linked = incidents.link_incident_tickets(desk, agent, incident_id, list(ticket))
    return go(request, f"/incidents/{incident}?notice=Linked+{len(linked)}+tickets")


@router.post("/views", dependencies=[Csrf])
def save_view(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Annotated[str, Form()],
    query: Annotated[str, Form()] = "",
) -> Response:
    view = saved_views.save_view(desk, agent, name, query)
    return go(request, f"/queue?{view.query}")


@router.post("/views/{view_id}/delete", dependencies=[Csrf])
def delete_view(request: Request, desk: DeskDep, agent: WebAgent, view_id: RecordId) -> Response:
    saved_views.delete_view(desk, agent, view_id)
    return go(request, "/queue")
