"""/api/v1/audit: the desk-wide audit log, for leads and admins (``services/audit_log.py``).

Newest first, one page at a time: ``next_cursor`` goes back as ``cursor`` for the next page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas import EventOut
from tierdesk.services import audit_log
from tierdesk.services.audit_log import AuditEntry, AuditFilter

router = APIRouter(tags=["audit"])


class AuditEventOut(EventOut):
    """A ticket trail's event (``EventOut``) with the record it is about."""

    entity: str = Field(description="The kind of record: ticket, agent, sla_policy…")
    entity_id: int | None
    ticket_id: int | None
    ticket: str | None = Field(description="The ticket's number when the event is a ticket's")

    @classmethod
    def of_entry(cls, entry: AuditEntry) -> AuditEventOut:
        e = entry.event
        return cls(
            **EventOut.model_validate(e).model_dump(),
            entity=e.subject_type,
            entity_id=e.subject_id,
            ticket_id=e.ticket_id,
            ticket=entry.ticket_number,
        )


class AuditPageOut(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None = Field(description="Send as `cursor` for the next page; null: last")


@router.get("/audit", response_model=AuditPageOut)
def list_audit_events(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    entity: Annotated[str, Query(max_length=40, description="ticket, agent, sla_policy…")] = "",
    by: Annotated[
        str,
        Query(
            alias="actor",
            max_length=320,
            description="An e-mail address, agent:<id>, contact:<id> or system",
        ),
    ] = "",
    action: Annotated[str, Query(max_length=64, description="An action prefix: agent.")] = "",
    since: Annotated[str, Query(max_length=40, description="ISO date or date-time, from")] = "",
    until: Annotated[
        str, Query(max_length=40, description="ISO date (the whole day) or date-time, before")
    ] = "",
) -> AuditPageOut:
    """Audit events across the desk, newest first; leads and admins only."""
    found = audit_log.list_audit_events(
        desk,
        actor,
        AuditFilter(
            entity=entity,
            actor=by,
            action=action,
            since=since,
            until=until,
            cursor=page.cursor or "",
            limit=page.limit,
        ),
    )
    return AuditPageOut(
        items=[AuditEventOut.of_entry(e) for e in found.entries], next_cursor=found.next_cursor
    )


@router.get("/audit/entities", response_model=Page[str])
def list_audit_entities(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[str]:
    """The kinds of record the audit log holds events for."""
    return paginate(audit_log.list_audit_entities(desk, actor), page)
