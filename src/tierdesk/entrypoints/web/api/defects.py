"""/api/v1/defects: product defects for developers, mirrored to their tracker, and the
tracker's webhook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, status
from starlette.concurrency import run_in_threadpool

from tierdesk.domain.defects import DefectStatus
from tierdesk.entrypoints.web.api.tickets import detail
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas import TicketDetail
from tierdesk.entrypoints.web.schemas_workflow import (
    DefectCreate,
    DefectFixed,
    DefectOut,
    LinkTicket,
)
from tierdesk.services import defect_sync, defects

router = APIRouter(tags=["defects"])


@router.get("/defects", response_model=Page[DefectOut])
def list_defects(
    desk: DeskDep, actor: CurrentActor, page: PageQuery, status: DefectStatus | None = None
) -> Page[DefectOut]:
    """Defects filed in the issue tracker from tickets, optionally by `status`."""
    return paginate(DefectOut.listed(defects.list_defects(desk, actor, status)), page)


@router.post("/defects", response_model=DefectOut, status_code=status.HTTP_201_CREATED)
def open_defect(body: DefectCreate, desk: DeskDep, actor: CurrentActor) -> DefectOut:
    """Open a defect from a ticket; what is not given comes from its newest hand-off packet
    (steps tried → steps, symptoms → actual, product/version/environment). Mirrored to the
    configured tracker by a background job."""
    defect = defects.open_defect(
        desk,
        actor,
        body.ticket,
        defects.DefectInput(
            title=body.title,
            severity=body.severity,
            expected=body.expected,
            actual=body.actual,
            steps=body.steps,
            environment=body.environment,
            affected_versions=body.affected_versions,
        ),
    )
    assert defect.id is not None
    return get_defect(defect.id, desk, actor)


@router.get("/defects/{defect_id}", response_model=DefectOut)
def get_defect(defect_id: RecordId, desk: DeskDep, actor: CurrentActor) -> DefectOut:
    """One defect with the tickets linked to it."""
    return DefectOut.shown(defects.get_defect(desk, actor, defect_id))


@router.post("/defects/{defect_id}/tickets", response_model=TicketDetail)
def link_ticket(
    defect_id: RecordId, body: LinkTicket, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Link a ticket (id or number, `TD-1042`) to this defect; answers the ticket."""
    return detail(desk, actor, defects.link_defect(desk, actor, defect_id, body.ticket))


@router.post("/defects/{defect_id}/fixed", response_model=DefectOut)
def mark_fixed(
    defect_id: RecordId, body: DefectFixed, desk: DeskDep, actor: CurrentActor
) -> DefectOut:
    """Record the fixing release by hand; every linked ticket is told whether it is affected."""
    defects.mark_defect_fixed(desk, actor, defect_id, body.version)
    return get_defect(defect_id, desk, actor)


@router.post("/defects/{defect_id}/sync", response_model=DefectOut)
def sync(defect_id: RecordId, desk: DeskDep, actor: CurrentActor) -> DefectOut:
    """Mirror now (if not yet) and read the tracker's state back."""
    defect_sync.sync_defect(desk, actor, defect_id)
    return get_defect(defect_id, desk, actor)


@router.post("/webhooks/tracker", status_code=status.HTTP_202_ACCEPTED)
async def tracker_webhook(
    request: Request,
    desk: DeskDep,
    x_github_event: Annotated[str, Header()] = "",
    x_hub_signature_256: Annotated[str | None, Header()] = None,
) -> dict[str, str | None]:
    """GitHub's webhook (``issues`` events). No API token: the delivery's
    ``X-Hub-Signature-256`` must match ``tracker.webhook_secret``."""
    body = await request.body()
    # on a worker thread: applying a delivery writes to the database
    defect = await run_in_threadpool(
        defect_sync.receive_tracker_webhook, desk, x_github_event, body, x_hub_signature_256
    )
    return {"defect": f"DEF-{defect.id}" if defect is not None else None}
