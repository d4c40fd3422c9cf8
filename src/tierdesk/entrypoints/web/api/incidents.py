"""/api/v1/incidents: outages at L4, their tickets, status updates and resolution."""

from __future__ import annotations

from fastapi import APIRouter, status

from tierdesk.domain.incidents import IncidentStatus
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas_workflow import (
    IncidentCreate,
    IncidentOut,
    IncidentResolve,
    IncidentTickets,
    IncidentUpdateCreate,
    IncidentUpdateOut,
    PostIncidentNote,
)
from tierdesk.services import incidents

router = APIRouter(prefix="/incidents", tags=["incidents"])


@router.get("", response_model=Page[IncidentOut])
def list_incidents(
    desk: DeskDep, actor: CurrentActor, page: PageQuery, status: IncidentStatus | None = None
) -> Page[IncidentOut]:
    """Incidents (outages affecting many customers), optionally by `status`."""
    return paginate(IncidentOut.listed(incidents.list_incidents(desk, actor, status)), page)


@router.post("", response_model=IncidentOut, status_code=status.HTTP_201_CREATED)
def declare(body: IncidentCreate, desk: DeskDep, actor: CurrentActor) -> IncidentOut:
    """Declare an incident and link the tickets it explains."""
    incident = incidents.declare_incident(
        desk, actor, body.title, body.description, body.severity, body.product, body.tickets
    )
    assert incident.id is not None
    return get_incident(incident.id, desk, actor)


@router.get("/{incident_id}", response_model=IncidentOut)
def get_incident(incident_id: RecordId, desk: DeskDep, actor: CurrentActor) -> IncidentOut:
    """One incident with its timeline of updates and linked tickets."""
    view = incidents.get_incident(desk, actor, incident_id)
    return IncidentOut.shown(view, updates=view.updates)


@router.post("/{incident_id}/tickets", response_model=IncidentOut)
def link_tickets(
    incident_id: RecordId, body: IncidentTickets, desk: DeskDep, actor: CurrentActor
) -> IncidentOut:
    """Link many tickets at once (all or none)."""
    incidents.link_incident_tickets(desk, actor, incident_id, body.tickets)
    return get_incident(incident_id, desk, actor)


@router.post(
    "/{incident_id}/updates", response_model=IncidentUpdateOut, status_code=status.HTTP_201_CREATED
)
def post_update(
    incident_id: RecordId, body: IncidentUpdateCreate, desk: DeskDep, actor: CurrentActor
) -> IncidentUpdateOut:
    """One public message on every linked ticket."""
    return IncidentUpdateOut.model_validate(
        incidents.post_incident_update(desk, actor, incident_id, body.status, body.text)
    )


@router.post("/{incident_id}/resolve", response_model=IncidentOut)
def resolve(
    incident_id: RecordId, body: IncidentResolve, desk: DeskDep, actor: CurrentActor
) -> IncidentOut:
    """Resolve the incident and solve every linked ticket still open."""
    incidents.resolve_incident(desk, actor, incident_id, body.resolution)
    return get_incident(incident_id, desk, actor)


@router.put("/{incident_id}/post-incident-note", response_model=IncidentOut)
def post_incident_note(
    incident_id: RecordId, body: PostIncidentNote, desk: DeskDep, actor: CurrentActor
) -> IncidentOut:
    """Write or replace the post-incident note (what happened, what changes)."""
    incidents.write_post_incident_note(desk, actor, incident_id, body.note)
    return get_incident(incident_id, desk, actor)
