"""/api/v1/regions and /api/v1/handovers: follow-the-sun regions (leads keep them) and the
shift-end hand-overs between them (agents read, edit, accept; leads reassign)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from tierdesk.domain.handovers import MAX_NOTE, HandoverStatus
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate, paginate_fetched
from tierdesk.entrypoints.web.schemas import Request
from tierdesk.ports.regions import HandoverFilter
from tierdesk.services import handovers, regions

regions_router = APIRouter(prefix="/regions", tags=["follow-the-sun"])
handovers_router = APIRouter(prefix="/handovers", tags=["follow-the-sun"])


class RegionIn(Request):
    name: str = Field(min_length=1, max_length=80, examples=["EMEA"])
    timezone: str = Field(min_length=1, max_length=64, examples=["Europe/Berlin"])
    hours: str = Field(
        min_length=1,
        max_length=500,
        description="Working hours in the region's time zone, as a business calendar writes them",
        examples=["mon-fri 08:00-17:00"],
    )
    hands_to: str | None = Field(
        default=None, max_length=80, description="The region taking over at the shift end"
    )
    agent_ids: list[int] | None = Field(
        default=None, max_length=500, description="The region's agents; left out: unchanged"
    )

    def fields(self) -> regions.RegionFields:
        return regions.RegionFields(
            self.name, self.timezone, self.hours, self.hands_to, self.agent_ids
        )


class RegionOut(BaseModel):
    id: int
    name: str
    timezone: str
    hours: str
    hands_to: str | None
    agent_ids: list[int]
    handed_over_until: datetime | None

    @classmethod
    def of(cls, view: regions.RegionView) -> RegionOut:
        region = view.region
        assert region.id is not None
        return cls(
            id=region.id,
            name=region.name,
            timezone=region.timezone,
            hours=region.hours,
            hands_to=view.hands_to,
            agent_ids=[a.id for a in view.members if a.id is not None],
            handed_over_until=region.handed_over_until,
        )


class HandoverOut(BaseModel):
    id: int
    ticket: str
    subject: str
    from_region: str
    to_region: str
    from_agent: str
    shift_end: datetime
    status: HandoverStatus
    note: str
    handed_over_at: datetime | None
    accepted_by: str | None
    accepted_at: datetime | None
    assignee: str | None

    @classmethod
    def of(cls, view: handovers.HandoverView) -> HandoverOut:
        h = view.handover
        assert h.id is not None
        return cls(
            id=h.id,
            ticket=view.ticket.number or str(view.ticket.id),
            subject=view.ticket.subject,
            from_region=view.from_region,
            to_region=view.to_region,
            from_agent=view.from_agent,
            shift_end=h.shift_end,
            status=h.status,
            note=h.note,
            handed_over_at=h.handed_over_at,
            accepted_by=h.accepted_by,
            accepted_at=h.accepted_at,
            assignee=view.assignee,
        )


class NoteIn(Request):
    note: str = Field(min_length=1, max_length=MAX_NOTE)


class AcceptIn(Request):
    assignee_id: RecordId | None = Field(
        default=None, description="Who takes the ticket (leads only); left out: the caller"
    )


class ReassignIn(Request):
    assignee_id: RecordId = Field(description="The agent who takes the ticket")


class HandOverIn(Request):
    agent_id: RecordId | None = Field(
        default=None, description="Whose tickets (leads only); left out: the caller's"
    )
    send: bool = Field(default=True, description="False: only draft the notes, to edit first")


class ShiftOut(BaseModel):
    agent: str
    shift_end: datetime
    drafted: int
    handed_over: int


# -- regions ----------------------------------------------------------------------------------


@regions_router.get("", response_model=Page[RegionOut])
def list_regions(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[RegionOut]:
    """The regions by name, each with its hours, the region taking over and its agents."""
    return paginate([RegionOut.of(v) for v in regions.list_regions(desk, actor)], page)


@regions_router.post("", response_model=RegionOut, status_code=status.HTTP_201_CREATED)
def create_region(body: RegionIn, desk: DeskDep, actor: CurrentActor) -> RegionOut:
    """Add a region (leads and admins); its first hand-over is at its next shift end."""
    return RegionOut.of(regions.create_region(desk, actor, body.fields()))


@regions_router.get("/{region_id}", response_model=RegionOut)
def get_region(region_id: RecordId, desk: DeskDep, actor: CurrentActor) -> RegionOut:
    """One region."""
    return RegionOut.of(regions.get_region(desk, actor, region_id))


@regions_router.put("/{region_id}", response_model=RegionOut)
def update_region(
    region_id: RecordId, body: RegionIn, desk: DeskDep, actor: CurrentActor
) -> RegionOut:
    """Change a region's name, hours, successor or agents (leads and admins)."""
    return RegionOut.of(regions.update_region(desk, actor, region_id, body.fields()))


@regions_router.delete("/{region_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_region(region_id: RecordId, desk: DeskDep, actor: CurrentActor) -> None:
    """Remove a region nothing was handed over from or to (leads and admins)."""
    regions.delete_region(desk, actor, region_id)


# -- hand-overs -------------------------------------------------------------------------------


@handovers_router.get("", response_model=Page[HandoverOut])
def list_handovers(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    to_region: RecordId | None = None,
    from_region: RecordId | None = None,
    status: HandoverStatus | None = None,
    to_us: bool = False,
) -> Page[HandoverOut]:
    """Hand-overs newest first, of tickets the caller may see; `to_us`: those handed to the
    caller's region and not taken yet (the queue's "Handed over to us")."""
    if to_us:
        found = handovers.handed_over_to_me(desk, actor)
        return paginate([HandoverOut.of(v) for v in found], page)
    wanted = HandoverFilter(to_region_id=to_region, from_region_id=from_region, status=status)
    return paginate_fetched(
        lambda n: [HandoverOut.of(v) for v in handovers.list_handovers(desk, actor, wanted, n)],
        page,
    )


@handovers_router.post("", response_model=ShiftOut)
def hand_over(body: HandOverIn, desk: DeskDep, actor: CurrentActor) -> ShiftOut:
    """Hand over now: draft a note for each open ticket of the engineer (the caller, or one a
    lead names) for this shift end and, unless `send` is false, hand them to the next region.
    Once per ticket and shift end."""
    done = handovers.hand_over_now if body.send else handovers.prepare_handover
    shift = done(desk, actor, body.agent_id)
    return ShiftOut(
        agent=shift.agent.name,
        shift_end=shift.shift_end,
        drafted=shift.drafted,
        handed_over=shift.handed_over,
    )


@handovers_router.get("/{handover_id}", response_model=HandoverOut)
def get_handover(handover_id: RecordId, desk: DeskDep, actor: CurrentActor) -> HandoverOut:
    """One hand-over with its note."""
    return HandoverOut.of(handovers.get_handover(desk, actor, handover_id))


@handovers_router.put("/{handover_id}/note", response_model=HandoverOut)
def edit_note(
    handover_id: RecordId, body: NoteIn, desk: DeskDep, actor: CurrentActor
) -> HandoverOut:
    """Correct the note (its writer or a lead) until someone takes the ticket."""
    return HandoverOut.of(handovers.edit_handover_note(desk, actor, handover_id, body.note))


@handovers_router.post("/{handover_id}/accept", response_model=HandoverOut)
def accept(
    handover_id: RecordId, body: AcceptIn, desk: DeskDep, actor: CurrentActor
) -> HandoverOut:
    """Take the ticket: an engineer of the receiving region becomes its assignee."""
    return HandoverOut.of(handovers.accept_handover(desk, actor, handover_id, body.assignee_id))


@handovers_router.post("/{handover_id}/reassign", response_model=HandoverOut)
def reassign(
    handover_id: RecordId, body: ReassignIn, desk: DeskDep, actor: CurrentActor
) -> HandoverOut:
    """A lead hands the ticket to the agent named."""
    return HandoverOut.of(handovers.reassign_handover(desk, actor, handover_id, body.assignee_id))
