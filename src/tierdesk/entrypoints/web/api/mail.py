"""/api/v1/mail: the quarantine, the backlog and the outbox, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.inbound import InboundOutcome, InboundRecord
from tierdesk.domain.outbound import OutboxItem, OutboxStatus, OutgoingKind
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.downloads import download_response
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import (
    Page,
    PageQuery,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
    paginate_fetched,
)
from tierdesk.mail_bootstrap import mail_desk
from tierdesk.services import mail_admin

router = APIRouter(prefix="/mail", tags=["mail"])


class InboundOut(BaseModel):
    id: int
    mailbox: str
    received_at: datetime
    outcome: InboundOutcome
    reason: str | None
    detail: str | None
    from_address: str
    subject: str
    message_id: str
    size: int
    ticket_id: int | None

    @classmethod
    def of(cls, r: InboundRecord) -> InboundOut:
        return cls(
            id=r.id,
            mailbox=r.mailbox,
            received_at=r.received_at,
            outcome=r.outcome,
            reason=r.reason,
            detail=r.detail,
            from_address=r.from_address,
            subject=r.subject,
            message_id=r.message_id,
            size=r.size,
            ticket_id=r.ticket_id,
        )


class InboundList(BaseModel):
    items: list[InboundOut]
    next_cursor: str | None


class BacklogOut(BaseModel):
    waiting: int
    oldest_received_at: datetime | None
    oldest_age_seconds: float


class ReprocessOut(BaseModel):
    id: int
    outcome: InboundOutcome
    reason: str | None
    ticket_number: str | None


class OutboxOut(BaseModel):
    id: int
    ticket_id: int | None
    kind: OutgoingKind
    to_address: str
    status: OutboxStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    message_id: str | None
    last_error: str | None

    @classmethod
    def of(cls, i: OutboxItem) -> OutboxOut:
        return cls(
            id=i.id,
            ticket_id=i.ticket_id,
            kind=i.kind,
            to_address=i.to_address,
            status=i.status,
            attempts=i.attempts,
            created_at=i.created_at,
            next_attempt_at=i.next_attempt_at,
            sent_at=i.sent_at,
            message_id=i.message_id_header,
            last_error=i.last_error,
        )


def _before(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor)
    if len(values) != 2 or values[0] != "q" or not isinstance(values[1], int):
        raise invalid_cursor()
    return values[1]


@router.get("/quarantine", response_model=InboundList)
def list_quarantine(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> InboundList:
    """Quarantined mail and mail held for approval, newest first."""
    before = _before(page.cursor)
    records = mail_admin.list_quarantine(desk, actor, limit=page.limit + 1, before_id=before)
    shown = records[: page.limit]
    more = len(records) > page.limit
    return InboundList(
        items=[InboundOut.of(r) for r in shown],
        next_cursor=encode_cursor("q", shown[-1].id) if more and shown else None,
    )


@router.get("/backlog", response_model=BacklogOut)
def backlog(desk: DeskDep, actor: CurrentActor) -> BacklogOut:
    """Mail the SMTP listener acknowledged and has not processed yet: how much, and how long
    the oldest has waited (a growing backlog: the listener's intake is stopped or behind)."""
    waiting = mail_admin.mail_backlog(desk, actor)
    return BacklogOut(
        waiting=waiting.waiting,
        oldest_received_at=waiting.oldest_received_at,
        oldest_age_seconds=waiting.oldest_age_seconds,
    )


@router.get("/quarantine/{inbound_id}", response_model=InboundOut)
def show_quarantined(inbound_id: RecordId, desk: DeskDep, actor: CurrentActor) -> InboundOut:
    """One quarantined inbound mail: sender, subject and why it was held."""
    record, _raw = mail_admin.quarantined_mail(desk, actor, inbound_id)
    return InboundOut.of(record)


@router.get("/quarantine/{inbound_id}/raw")
def raw_message(inbound_id: RecordId, desk: DeskDep, actor: CurrentActor) -> Response:
    """The original bytes, as a download (never rendered: they are a stranger's)."""
    _record, raw = mail_admin.quarantined_mail(desk, actor, inbound_id)
    return download_response(raw, f"message-{inbound_id}.eml", "message/rfc822")


@router.post("/quarantine/{inbound_id}/reprocess", response_model=ReprocessOut)
def reprocess(
    inbound_id: RecordId, request: Request, desk: DeskDep, actor: CurrentActor
) -> ReprocessOut:
    """Read the message again, leniently; for a held sender this approves them."""
    application: Tierdesk = request.app.state.tierdesk
    receipt = mail_admin.reprocess(mail_desk(application), actor, inbound_id)
    return ReprocessOut(
        id=receipt.inbound_id,
        outcome=receipt.outcome,
        reason=receipt.reason,
        ticket_number=receipt.ticket_number,
    )


@router.get("/outbox", response_model=Page[OutboxOut])
def list_outbox(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    status: Annotated[list[OutboxStatus] | None, Query()] = None,
    ticket_id: RecordId | None = None,
) -> Page[OutboxOut]:
    """Outgoing mail, oldest first, optionally by `status` and ticket."""

    def fetch(count: int) -> list[OutboxOut]:
        items = mail_admin.list_outbox(
            desk, actor, list(status or []), ticket_id=ticket_id, limit=count
        )
        return [OutboxOut.of(i) for i in items]

    return paginate_fetched(fetch, page)
