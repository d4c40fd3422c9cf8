"""/api/v1 levels and the escalation contract: escalate with a packet, accept, bounce."""

from __future__ import annotations

from fastapi import APIRouter, status

from tierdesk.domain.people import Tier
from tierdesk.entrypoints.web.api.tickets import TicketRef, detail
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas import TicketDetail
from tierdesk.entrypoints.web.schemas_levels import (
    AcceptRequest,
    BounceRequest,
    DeEscalationRequest,
    EscalationRequest,
    LevelOut,
    LevelPatch,
    PacketIn,
    PacketOut,
)
from tierdesk.errors import NotFoundError
from tierdesk.services import escalation, levels
from tierdesk.services import tickets as ticket_services

router = APIRouter(tags=["levels and escalation"])


@router.get("/levels", response_model=Page[LevelOut])
def list_levels(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[LevelOut]:
    """The support levels (L0-L4) with their names, rules and members."""
    return paginate(
        [LevelOut.of(v.level, v.members) for v in levels.list_levels(desk, actor)], page
    )


@router.get("/levels/{level}", response_model=LevelOut)
def get_level(level: str, desk: DeskDep, actor: CurrentActor) -> LevelOut:
    """One support level, named `L2` or `2`."""
    tier = Tier.parse(level)
    for view in levels.list_levels(desk, actor):
        if view.level.tier == tier:
            return LevelOut.of(view.level, view.members)
    raise NotFoundError(f"level {tier.label} is not configured")


@router.patch("/levels/{level}", response_model=LevelOut)
def patch_level(level: str, body: LevelPatch, desk: DeskDep, actor: CurrentActor) -> LevelOut:
    """Rename a level or change what it may see and what an escalation to it must carry."""
    tier = Tier.parse(level)
    levels.update_level(
        desk,
        actor,
        tier,
        levels.LevelChanges(
            name=body.name,
            description=body.description,
            takes_from_customers=body.takes_from_customers,
            sees_restricted=body.sees_restricted,
            required_packet_fields=body.required_packet_fields,
        ),
    )
    return get_level(level, desk, actor)


@router.post("/tickets/{ticket_ref}/escalate", response_model=TicketDetail)
def escalate(
    ticket_ref: TicketRef, body: EscalationRequest, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Hand the ticket to a higher level with a reason and a hand-off packet. The receiving
    level's required packet parts are checked (see GET /levels); a draft comes from
    GET /tickets/{ref}/packets/draft."""
    content = body.packet.content() if body.packet is not None else None
    ticket, _packet = escalation.escalate_ticket(
        desk, actor, ticket_ref, Tier(body.to_level), body.reason, content
    )
    return detail(desk, actor, ticket)


@router.post("/tickets/{ticket_ref}/escalation/accept", response_model=TicketDetail)
def accept(
    ticket_ref: TicketRef, body: AcceptRequest, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Accept an escalated ticket at your level, optionally assigning it to one of its agents."""
    ticket = escalation.accept_escalation(desk, actor, ticket_ref, body.assignee_id)
    return detail(desk, actor, ticket)


@router.post("/tickets/{ticket_ref}/escalation/bounce", response_model=TicketDetail)
def bounce(
    ticket_ref: TicketRef, body: BounceRequest, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Send an escalation back to the level below with guidance on what is missing."""
    ticket = escalation.bounce_escalation(desk, actor, ticket_ref, body.guidance, body.reason)
    return detail(desk, actor, ticket)


@router.post("/tickets/{ticket_ref}/de-escalate", response_model=TicketDetail)
def de_escalate(
    ticket_ref: TicketRef, body: DeEscalationRequest, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Hand a ticket back down to a lower level with a reason and guidance."""
    ticket = ticket_services.de_escalate_ticket(
        desk, actor, ticket_ref, Tier(body.to_level), body.reason, body.guidance
    )
    return detail(desk, actor, ticket)


@router.get("/tickets/{ticket_ref}/packets", response_model=Page[PacketOut])
def list_packets(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[PacketOut]:
    """Every packet of the ticket, every revision, oldest first."""
    return paginate(
        [PacketOut.of(p) for p in escalation.list_packets(desk, actor, ticket_ref)], page
    )


@router.get("/tickets/{ticket_ref}/packets/draft", response_model=PacketIn)
def draft(ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor) -> PacketIn:
    """A first draft of the packet read off the thread, to edit before escalating."""
    content = escalation.draft_packet_for(desk, actor, ticket_ref)
    return PacketIn.model_validate(content.to_dict())


@router.put(
    "/tickets/{ticket_ref}/packets/{sequence}",
    response_model=PacketOut,
    status_code=status.HTTP_201_CREATED,
)
def amend(
    ticket_ref: TicketRef, sequence: int, body: PacketIn, desk: DeskDep, actor: CurrentActor
) -> PacketOut:
    """Amend a packet: a new revision is stored beside the earlier ones."""
    return PacketOut.of(escalation.amend_packet(desk, actor, ticket_ref, sequence, body.content()))
