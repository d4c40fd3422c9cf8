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
    found = search.search_tickets(desk, agent, asked, limit=20) if asked else []
    named = found[0].ticket if found and found[0].named else None
    if named is not None and asked.upper() == named.number:
        # nothing but a ticket's number ("TD-1454", "td-1454"): that ticket is what was wanted.
        # A bare "1454" only puts it first: it may as well be a port, a year or an error code.
        return RedirectResponse(f"/tickets/{named.number}", status_code=303)
    passages = knowledge.search_knowledge(desk, agent, asked, limit=5) if asked else []
    context = {"user": agent, "q": q, "found": found, "passages": passages}
    return render(request, "search.html", context)
