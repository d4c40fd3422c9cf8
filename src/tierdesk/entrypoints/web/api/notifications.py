"""/api/v1/notifications: what the desk wants the calling agent to know (SLA warnings and
breaches), newest first; mounted through ``api/sla.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tierdesk.domain.notifications import Notification
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate_fetched
from tierdesk.entrypoints.web.schemas import Request
from tierdesk.services import notifications

router = APIRouter(prefix="/notifications", tags=["notifications"])


class NotificationOut(BaseModel):
    id: int
    kind: str
    text: str
    ticket_id: int | None
    details: dict[str, Any]
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, note: Notification) -> NotificationOut:
        return cls(
            id=note.id or 0,
            kind=note.kind,
            text=note.text,
            ticket_id=note.ticket_id,
            details=note.details,
            created_at=note.created_at,
            read_at=note.read_at,
        )


class MarkRead(Request):
    ids: list[int] | None = Field(default=None, max_length=1000, description="None: all")


class MarkedRead(BaseModel):
    marked: int


@router.get("", response_model=Page[NotificationOut])
def list_mine(
    desk: DeskDep, actor: CurrentActor, page: PageQuery, unread: bool = False
) -> Page[NotificationOut]:
    """Your notifications, newest first; `unread=true` for the unread ones only."""

    def fetch(count: int) -> list[NotificationOut]:
        notes = notifications.list_notifications(desk, actor, unread_only=unread, limit=count)
        return [NotificationOut.of(n) for n in notes]

    return paginate_fetched(fetch, page)


@router.post("/read", response_model=MarkedRead)
def mark_read(body: MarkRead, desk: DeskDep, actor: CurrentActor) -> MarkedRead:
    """Mark some of your notifications read; answers how many changed."""
    return MarkedRead(marked=notifications.mark_notifications_read(desk, actor, body.ids))
