"""/admin/audit: the desk-wide audit log for leads and admins, filtered by a GET form.

Every value on it (names, reasons, changed fields) was typed by someone, so the page shows
them only through the autoescaping templates, shortened to keep one event on a few lines."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tierdesk.domain.audit_query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.errors import STATUS_BY_CODE
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.entrypoints.web.pages.sessions import WebAgent
from tierdesk.entrypoints.web.pages.trail import Names, shown_changes
from tierdesk.errors import InvalidInputError
from tierdesk.services import audit_log, people
from tierdesk.services.audit_log import AuditFilter, AuditPage

router = APIRouter(prefix="/admin", include_in_schema=False)

_VALUE_CHARS = 160  # one changed field's value on the page; the API returns it whole


def _filter_from(request: Request) -> tuple[AuditFilter, str]:
    """The form's fields as typed; a page size that is not a number is the only mistake caught
    here, the service checks the rest."""
    params = request.query_params
    typed = {name: params.get(name, "") for name in ("entity", "actor", "action", "since", "until")}
    size = params.get("limit", "").strip()
    problem = ""
    limit = DEFAULT_PAGE_SIZE
    if size:
        if size.isascii() and size.isdigit() and len(size) <= 6:
            limit = int(size)
        else:
            problem = f"page size must be a whole number from 1 to {MAX_PAGE_SIZE}"
    return AuditFilter(**typed, cursor=params.get("cursor", ""), limit=limit), problem


@router.get("/audit")
def audit_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    # Asked first, so a plain agent is refused before anything about the trail is read.
    entities = audit_log.list_audit_entities(desk, agent)
    wanted, problem = _filter_from(request)
    page = AuditPage(entries=[], next_cursor=None)
    status = 200
    try:
        if problem:
            raise InvalidInputError(problem, field="limit")
        page = audit_log.list_audit_events(desk, agent, wanted)
    except InvalidInputError as exc:
        problem, status = exc.message, STATUS_BY_CODE[exc.code]
    kept = {k: v for k, v in asdict(wanted).items() if k != "cursor" and v not in ("", None)}
    if kept.get("limit") == DEFAULT_PAGE_SIZE:
        del kept["limit"]
    next_url = (
        "/admin/audit?" + urlencode({**kept, "cursor": page.next_cursor})
        if page.next_cursor
        else ""
    )
    names = Names(agents={a.id: a.name for a in people.list_agents(desk, agent) if a.id})
    context = {
        "user": agent,
        "filter": wanted,
        "entities": entities,
        "page": page,
        "changes": lambda changes: shown_changes(changes, names, _VALUE_CHARS),
        "problem": problem,
        "next_url": next_url,
        "first_url": "/admin/audit?" + urlencode(kept) if wanted.cursor else "",
        "max_page_size": MAX_PAGE_SIZE,
    }
    return render(request, "audit.html", context, status)
