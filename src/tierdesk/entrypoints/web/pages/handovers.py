"""Follow-the-sun in the workspace: the admin's regions page (hours, who takes over, agents),
the queue's "Handed over to us" with the engineer's own hand-over (draft, edit, hand over now),
and the ticket page's hand-over panel (note, accept, reassign). The same services as
/api/v1/regions and /api/v1/handovers."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tierdesk.domain.handovers import HandoverStatus
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId, typed_record_id
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.ports.regions import HandoverFilter
from tierdesk.services import handovers, people, regions
from tierdesk.services.access import require_lead

router = APIRouter(include_in_schema=False)


def _agent_ids(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values if v.strip()]
    except ValueError as exc:
        raise InvalidInputError("choose agents from the list", field="agents") from exc


def _fields(
    name: str, timezone: str, hours: str, hands_to: str, agents: list[str]
) -> regions.RegionFields:
    return regions.RegionFields(name, timezone, hours, hands_to or None, _agent_ids(agents))


# -- the admin's regions ------------------------------------------------------------------------


@router.get("/admin/regions")
def regions_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    require_lead(agent, "use the admin pages")
    context = {
        "user": agent,
        "regions": regions.list_regions(desk, agent),
        "agents": [a for a in people.list_agents(desk, agent) if a.active],
    }
    return render(request, "admin/regions.html", context)


@router.post("/admin/regions", dependencies=[Csrf])
def add_region(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    hours: Annotated[str, Form()] = "",
    hands_to: Annotated[str, Form()] = "",
    agents: Annotated[list[str] | None, Form()] = None,
) -> Response:
    regions.create_region(desk, agent, _fields(name, timezone, hours, hands_to, agents or []))
    return go(request, "/admin/regions?notice=Region+added")


@router.post("/admin/regions/{region_id}", dependencies=[Csrf])
def edit_region(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    region_id: RecordId,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    hours: Annotated[str, Form()] = "",
    hands_to: Annotated[str, Form()] = "",
    agents: Annotated[list[str] | None, Form()] = None,
) -> Response:
    fields = _fields(name, timezone, hours, hands_to, agents or [])
    regions.update_region(desk, agent, region_id, fields)
    return go(request, "/admin/regions?notice=Region+saved")


@router.post("/admin/regions/{region_id}/delete", dependencies=[Csrf])
def remove_region(
    request: Request, desk: DeskDep, agent: WebAgent, region_id: RecordId
) -> Response:
    regions.delete_region(desk, agent, region_id)
    return go(request, "/admin/regions?notice=Region+removed")


# -- the queue's "Handed over to us" and my own hand-over -----------------------------------


@router.get("/queue/handed-over")
def handed_over_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    region = regions.my_region(desk, agent)
    mine = []
    if region is not None and region.id is not None:
        wanted = HandoverFilter(from_region_id=region.id)
        mine = [
            v
            for v in handovers.list_handovers(desk, agent, wanted, 100)
            if v.handover.from_agent_id == agent.id and v.handover.editable
        ]
    context = {
        "user": agent,
        "region": region,
        "waiting": handovers.handed_over_to_me(desk, agent),
        "mine": mine,
        "agents": [a for a in people.list_agents(desk, agent) if a.active],
    }
    return render(request, "handovers.html", context)


@router.get("/queue/handed-over/count")
def handed_over_count(desk: DeskDep, agent: WebAgent) -> Response:
    """The queue tab's label with the count, loaded with the queue."""
    count = len(handovers.handed_over_to_me(desk, agent))
    return HTMLResponse(f"Handed over to us ({count})")


@router.post("/handovers/prepare", dependencies=[Csrf])
def prepare(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    done = handovers.prepare_handover(desk, agent)
    notes = "note" if done.drafted == 1 else "notes"
    return go(request, f"/queue/handed-over?notice=Drafted+{done.drafted}+{notes}")


@router.post("/handovers/now", dependencies=[Csrf])
def hand_over_now(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    done = handovers.hand_over_now(desk, agent)
    tickets = "ticket" if done.handed_over == 1 else "tickets"
    return go(request, f"/queue/handed-over?notice=Handed+over+{done.handed_over}+{tickets}")


@router.post("/handovers/{handover_id}/note", dependencies=[Csrf])
def edit_note(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    handover_id: RecordId,
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    view = handovers.edit_handover_note(desk, agent, handover_id, note)
    return go(request, _back(back, view.ticket.number) + "?notice=Note+saved")


@router.post("/handovers/{handover_id}/accept", dependencies=[Csrf])
def accept(request: Request, desk: DeskDep, agent: WebAgent, handover_id: RecordId) -> Response:
    view = handovers.accept_handover(desk, agent, handover_id)
    return go(request, f"/tickets/{view.ticket.number}?notice=Hand-over+accepted")


@router.post("/handovers/{handover_id}/reassign", dependencies=[Csrf])
def reassign(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    handover_id: RecordId,
    assignee: Annotated[str, Form()] = "",
) -> Response:
    taker = typed_record_id(assignee)
    if taker is None:
        raise InvalidInputError("choose who takes the ticket", field="assignee")
    view = handovers.reassign_handover(desk, agent, handover_id, taker)
    notice = urlencode({"notice": f"Reassigned to {view.assignee}"})  # a name may hold "&"
    return go(request, f"/tickets/{view.ticket.number}?{notice}")


def _back(back: str, number: str | None) -> str:
    return "/queue/handed-over" if back == "queue" else f"/tickets/{number}"


# -- the ticket page's panel ----------------------------------------------------------------


@router.get("/tickets/{reference}/handover")
def handover_panel(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    views = handovers.ticket_handovers(desk, agent, reference)
    region = regions.my_region(desk, agent)
    context = {
        "user": agent,
        "reference": reference,
        "views": views[:5],
        "my_region_id": region.id if region else None,
        "awaiting": HandoverStatus.AWAITING,
        "agents": [a for a in people.list_agents(desk, agent) if a.active] if agent.is_lead else [],
    }
    return render(request, "_handover.html", context)
