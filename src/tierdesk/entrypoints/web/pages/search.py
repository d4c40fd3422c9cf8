"""Search everything an agent may see: tickets (public text, and internal notes for agents)
beside manual passages and known issues, from the one search index."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.entrypoints.web.pages.sessions import WebAgent
from tierdesk.services import knowledge, search

router = APIRouter(include_in_schema=False)


@router.get("/search")
def search_page(request: Request, desk: DeskDep, agent: WebAgent, q: str = "") -> Response:
    asked = q.strip()
    named = search.ticket_named_by(desk, agent, asked)
    if named is not None:
        # nothing but a ticket's reference ("TD-1454", "#1454", "1454"): that ticket is what
        # was wanted. A number inside a longer query only puts the ticket first.
        return RedirectResponse(f"/tickets/{named.number}", status_code=303)
    found = search.search_tickets(desk, agent, asked, limit=20) if asked else []
    passages = knowledge.search_knowledge(desk, agent, asked, limit=5) if asked else []
    context = {"user": agent, "q": q, "found": found, "passages": passages}
    return render(request, "search.html", context)
