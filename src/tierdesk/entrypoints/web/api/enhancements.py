"""/api/v1/enhancements: enhancement requests with their requesting organisations (votes)."""

from __future__ import annotations

from fastapi import APIRouter, status

from tierdesk.domain.enhancements import EnhancementStatus
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas_workflow import (
    EnhancementCreate,
    EnhancementOut,
    EnhancementShip,
    EnhancementStatusIn,
    EnhancementVoteIn,
    LinkTicket,
)
from tierdesk.errors import InvalidInputError
from tierdesk.services import enhancements

router = APIRouter(prefix="/enhancements", tags=["enhancement requests"])


@router.get("", response_model=Page[EnhancementOut])
def list_enhancements(
    desk: DeskDep, actor: CurrentActor, page: PageQuery, status: EnhancementStatus | None = None
) -> Page[EnhancementOut]:
    """Most wanted (most requesting organisations) first."""
    found = enhancements.list_enhancements(desk, actor, status)
    return paginate([EnhancementOut.of(e, votes=votes) for e, votes in found], page)


@router.post("", response_model=EnhancementOut, status_code=status.HTTP_201_CREATED)
def create(body: EnhancementCreate, desk: DeskDep, actor: CurrentActor) -> EnhancementOut:
    """Record a feature request customers can vote for."""
    created = enhancements.create_enhancement(
        desk, actor, body.title, body.description, body.product
    )
    assert created.id is not None
    return get_enhancement(created.id, desk, actor)


@router.get("/{enhancement_id}", response_model=EnhancementOut)
def get_enhancement(enhancement_id: RecordId, desk: DeskDep, actor: CurrentActor) -> EnhancementOut:
    """One enhancement with its votes, voting organisations and linked tickets."""
    view = enhancements.get_enhancement(desk, actor, enhancement_id)
    organisations = [o.name for o in view.organisations]
    return EnhancementOut.of(
        view.record, votes=view.votes, organisations=organisations, tickets=view.tickets
    )


@router.post("/{enhancement_id}/tickets", response_model=EnhancementOut)
def link_ticket(
    enhancement_id: RecordId, body: LinkTicket, desk: DeskDep, actor: CurrentActor
) -> EnhancementOut:
    """Link a ticket (id or number) to this enhancement: its organisation's interest counts."""
    enhancements.link_enhancement(desk, actor, enhancement_id, body.ticket)
    return get_enhancement(enhancement_id, desk, actor)


@router.post("/{enhancement_id}/votes", response_model=EnhancementOut)
def vote(
    enhancement_id: RecordId, body: EnhancementVoteIn, desk: DeskDep, actor: CurrentActor
) -> EnhancementOut:
    """Add an organisation's vote to this enhancement."""
    enhancements.vote_for_enhancement(desk, actor, enhancement_id, body.organisation)
    return get_enhancement(enhancement_id, desk, actor)


@router.put("/{enhancement_id}/status", response_model=EnhancementOut)
def change_status(
    enhancement_id: RecordId, body: EnhancementStatusIn, desk: DeskDep, actor: CurrentActor
) -> EnhancementOut:
    """Move an enhancement to `proposed`, `planned`, `in-progress` or `declined`, or to
    `shipped` with the `version` it shipped in (as `POST …/ship`: the requesting
    organisations' linked tickets are told). Leads and admins; a shipped request stays so."""
    if body.status is EnhancementStatus.SHIPPED:
        if body.version is None:
            raise InvalidInputError("give the release it shipped in", field="version")
        enhancements.ship_enhancement(desk, actor, enhancement_id, body.version, body.note)
    else:
        enhancements.change_enhancement_status(desk, actor, enhancement_id, body.status, body.note)
    return get_enhancement(enhancement_id, desk, actor)


@router.post("/{enhancement_id}/ship", response_model=EnhancementOut)
def ship(
    enhancement_id: RecordId, body: EnhancementShip, desk: DeskDep, actor: CurrentActor
) -> EnhancementOut:
    """Shipped in a release: the requesting organisations' linked tickets are told."""
    enhancements.ship_enhancement(desk, actor, enhancement_id, body.version, body.note)
    return get_enhancement(enhancement_id, desk, actor)
