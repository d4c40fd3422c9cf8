"""The bell in the workspace's header and the agent's notifications page: mentions, escalations
received, SLA warnings and breaches, outage proposals (``services/notifications.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.tickets import format_ticket_number
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.services import notifications

router = APIRouter(include_in_schema=False)

SHOWN = 100


@router.get("/notifications/bell")
def bell(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    """The header's bell with the unread count (loaded after the page, and again whenever the
    live stream says a notification arrived)."""
    unread = notifications.unread_count(desk, agent)
    return render(request, "_bell.html", {"user": agent, "unread": unread})


@router.get("/notifications")
def notifications_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    notes = notifications.list_notifications(desk, agent, limit=SHOWN)
    numbers = {
        n.ticket_id: format_ticket_number(desk.ticket_prefix, n.ticket_id)
        for n in notes
        if n.ticket_id is not None
    }
    context = {
        "user": agent,
        "notes": notes,
        "numbers": numbers,
        # every unread one, as the bell counts them, not only those among the SHOWN listed
        "unread": notifications.unread_count(desk, agent),
    }
    return render(request, "notifications.html", context)


@router.post("/notifications/read", dependencies=[Csrf])
def mark_read(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    note: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Mark the ticked (or the one) notification read; none named: all of them."""
    count = notifications.mark_notifications_read(desk, agent, note)
    return go(request, f"/notifications?notice=Marked+{count}+read")
