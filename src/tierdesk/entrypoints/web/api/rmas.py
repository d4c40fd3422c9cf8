"""/api/v1 hardware replacements (issue 21 item 4): RMAs on tickets, their sign-off and their
way through the warehouse. Every RMA is reached through its ticket's door; customer contacts
get 404 (they read the public notices on their ticket, not the RMA)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from tierdesk.domain.rmas import Rma, RmaKind, RmaState, money_text
from tierdesk.domain.tickets import Ticket
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate_keyset, record_id
from tierdesk.services import rmas

router = APIRouter(tags=["hardware replacements"])


class RmaOut(BaseModel):
    id: int
    reference: str = Field(description="RMA-<id>")
    ticket: str = Field(description="The ticket's number")
    organisation_id: int
    installed_item_id: int
    kind: RmaKind
    state: RmaState
    awaiting: str | None = Field(description="engineer or lead while requested; else null")
    fault: str
    serial_number: str
    ship_to: str
    declared_value: str | None = Field(description="Decimal amount, e.g. 1250.00")
    currency: str
    needs_lead: bool
    requested_by_id: int
    requested_at: datetime
    engineer_id: int | None
    lead_id: int | None
    replacement_serial: str | None
    tracking_reference: str | None
    replacement_item_id: int | None
    reason: str | None
    updated_at: datetime | None

    @classmethod
    def of(cls, rma: Rma, ticket: Ticket) -> RmaOut:
        return cls(
            id=rma.id or 0,
            reference=rma.reference,
            ticket=ticket.number or "",
            organisation_id=rma.organisation_id,
            installed_item_id=rma.installed_item_id,
            kind=rma.kind,
            state=rma.state,
            awaiting=rma.awaiting,
            fault=rma.fault,
            serial_number=rma.serial_number,
            ship_to=rma.ship_to,
            declared_value=money_text(rma.declared_value_minor),
            currency=rma.currency,
            needs_lead=rma.needs_lead,
            requested_by_id=rma.requested_by_id,
            requested_at=rma.requested_at,
            engineer_id=rma.engineer_id,
            lead_id=rma.lead_id,
            replacement_serial=rma.replacement_serial,
            tracking_reference=rma.tracking_reference,
            replacement_item_id=rma.replacement_item_id,
            reason=rma.reason,
            updated_at=rma.updated_at,
        )


class RmaRequestBody(BaseModel):
    installed_item_ids: list[int] = Field(
        min_length=1, max_length=50, description="Units of the ticket's organisation; one RMA each"
    )
    fault: str = Field(max_length=4000)
    kind: RmaKind
    declared_value: str | None = Field(
        default=None, max_length=20, description="Per unit, in the desk's currency: 1250.00"
    )
    ship_to: str | None = Field(
        default=None, max_length=1000, description="Null: each unit's site address"
    )


class ShipBody(BaseModel):
    replacement_serial: str | None = Field(
        default=None, max_length=120, description="Required unless a repair returns the same unit"
    )
    tracking: str | None = Field(default=None, max_length=200)


class ReasonBody(BaseModel):
    reason: str = Field(max_length=2000, description="Sent to the customer")


@router.get("/rmas")
def list_rmas(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    state: RmaState | None = None,
    organisation_id: RecordId | None = None,
    ticket: str | None = Query(default=None, max_length=40, description="A ticket number"),
) -> Page[RmaOut]:
    """RMAs on the tickets the caller may open, newest first, by state, organisation or ticket."""

    def fetch(after: int | None, count: int) -> list[RmaOut]:
        found = rmas.list_rmas(
            desk,
            actor,
            state=state,
            organisation_id=organisation_id,
            ticket=ticket,
            limit=count,
            before_id=after,
        )
        return [RmaOut.of(r, t) for r, t in found]

    return paginate_keyset(
        fetch, page, lambda r: r.id, kind="rma", encode=lambda k: [k], decode=record_id
    )


@router.get("/tickets/{reference}/rmas")
def ticket_rmas(
    desk: DeskDep, actor: CurrentActor, reference: str, page: PageQuery
) -> Page[RmaOut]:
    """The ticket's RMAs, oldest first."""

    def fetch(after: int | None, count: int) -> list[RmaOut]:
        view = rmas.ticket_rmas(desk, actor, reference)
        shown = [r for r in view.rmas if after is None or (r.id or 0) > after]
        return [RmaOut.of(r, view.ticket) for r in shown[:count]]

    return paginate_keyset(
        fetch, page, lambda r: r.id, kind="trma", encode=lambda k: [k], decode=record_id
    )


@router.post("/tickets/{reference}/rmas", status_code=status.HTTP_201_CREATED)
def request_rmas(
    desk: DeskDep, actor: CurrentActor, reference: str, body: RmaRequestBody
) -> list[RmaOut]:
    """Request an RMA for each unit named (all or none); the customer is told of each."""
    made = rmas.request_rmas(
        desk,
        actor,
        reference,
        rmas.RmaRequest(
            body.installed_item_ids, body.fault, body.kind, body.declared_value, body.ship_to
        ),
    )
    return [_out(desk, actor, r.id or 0) for r in made]


def _out(desk: DeskDep, actor: CurrentActor, rma_id: int) -> RmaOut:
    rma, ticket = rmas.get_rma(desk, actor, rma_id)
    return RmaOut.of(rma, ticket)


@router.get("/rmas/{rma_id}")
def get_rma(desk: DeskDep, actor: CurrentActor, rma_id: RecordId) -> RmaOut:
    """One RMA (404 when its ticket is not the caller's to open)."""
    return _out(desk, actor, rma_id)


@router.post("/rmas/{rma_id}/approve")
def approve_rma(desk: DeskDep, actor: CurrentActor, rma_id: RecordId) -> RmaOut:
    """Sign off: an L2+ engineer (not the requester); above rma.lead_approval_above also a lead
    (a third person). The answer's ``state`` is still requested after the first of two."""
    rmas.approve_rma(desk, actor, rma_id)
    return _out(desk, actor, rma_id)


@router.post("/rmas/{rma_id}/ship")
def ship_rma(desk: DeskDep, actor: CurrentActor, rma_id: RecordId, body: ShipBody) -> RmaOut:
    """Shipped: the replacement's serial enters the installed base (the old unit is replaced)."""
    rmas.ship_rma(desk, actor, rma_id, body.replacement_serial, body.tracking)
    return _out(desk, actor, rma_id)


@router.post("/rmas/{rma_id}/receive")
def receive_rma(desk: DeskDep, actor: CurrentActor, rma_id: RecordId) -> RmaOut:
    """The shipped unit reached the customer."""
    rmas.receive_rma(desk, actor, rma_id)
    return _out(desk, actor, rma_id)


@router.post("/rmas/{rma_id}/close")
def close_rma(desk: DeskDep, actor: CurrentActor, rma_id: RecordId) -> RmaOut:
    """Nothing left to do: the faulty unit is back, or the repair is done."""
    rmas.close_rma(desk, actor, rma_id)
    return _out(desk, actor, rma_id)


@router.post("/rmas/{rma_id}/reject")
def reject_rma(desk: DeskDep, actor: CurrentActor, rma_id: RecordId, body: ReasonBody) -> RmaOut:
    """Refused (by an L2+ engineer) while requested or approved; the reason goes to the customer."""
    rmas.reject_rma(desk, actor, rma_id, body.reason)
    return _out(desk, actor, rma_id)


@router.post("/rmas/{rma_id}/cancel")
def cancel_rma(desk: DeskDep, actor: CurrentActor, rma_id: RecordId, body: ReasonBody) -> RmaOut:
    """Withdrawn while requested or approved; the reason goes to the customer."""
    rmas.cancel_rma(desk, actor, rma_id, body.reason)
    return _out(desk, actor, rma_id)
