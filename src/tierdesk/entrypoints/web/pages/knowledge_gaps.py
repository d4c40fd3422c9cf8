"""/kb/gaps: what the desk's knowledge did not answer, for leads and admins: topics of
customers' unanswered searches and new tickets, bounced escalations by topic, and the
suggestions customers read before opening a ticket anyway. Every text on it was typed by a
customer or an engineer: the page shows them only through the autoescaping template."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.entrypoints.web.pages.sessions import WebAgent
from tierdesk.services.knowledge_gaps import WINDOWS, knowledge_gaps

router = APIRouter(prefix="/kb", include_in_schema=False)


@router.get("/gaps")
def gaps_page(request: Request, desk: DeskDep, agent: WebAgent, days: int = 30) -> Response:
    days = days if days in WINDOWS else WINDOWS[0]
    gaps = knowledge_gaps(desk, agent, days)  # refuses anyone but leads and admins (403)
    return render(request, "kb_gaps.html", {"user": agent, "gaps": gaps, "windows": WINDOWS})
