"""Opening a defect from a ticket in the workspace (L3 and up, and leads): "Open a defect…"
on the ticket page drafts one from the ticket (services/defects.py ``draft_defect_for``), the
engineer edits it and opens it, as ``POST /api/v1/defects`` does: the ticket is linked, L3's
"defect" outcome recorded and the tracker mirror scheduled when a tracker is set up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.defects import Severity
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import defects

router = APIRouter(include_in_schema=False)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _versions(text: str) -> list[str]:
    return [v.strip() for v in text.replace(",", " ").split() if v.strip()]


@router.get("/tickets/{reference}/defect")
def defect_form(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    """The draft, as a form for the ticket page's slot."""
    draft = defects.draft_defect_for(desk, agent, reference)
    context = {
        "user": agent,
        "reference": reference,
        "draft": draft,
        "severities": [str(s) for s in Severity],
    }
    return render(request, "records/_defect_draft.html", context)


@router.post("/tickets/{reference}/defect", dependencies=[Csrf])
def open_defect(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    title: Annotated[str, Form()] = "",
    severity: Annotated[str, Form()] = str(Severity.MAJOR),
    actual: Annotated[str, Form()] = "",
    steps: Annotated[str, Form()] = "",
    expected: Annotated[str, Form()] = "",
    environment: Annotated[str, Form()] = "",
    versions: Annotated[str, Form()] = "",
) -> Response:
    """What the form says is what the defect says: an emptied field stays empty (and the
    service names it when a defect cannot do without it), never refilled from the packet."""
    try:
        chosen = Severity(severity)
    except ValueError as exc:
        raise InvalidInputError(f"unknown severity {severity!r}", field="severity") from exc
    if not title.strip():
        raise InvalidInputError("a defect needs a title", field="title")
    defect = defects.open_defect(
        desk,
        agent,
        reference,
        defects.DefectInput(
            title=title,
            severity=chosen,
            expected=expected,
            actual=actual,
            steps=_lines(steps),
            environment=environment,
            affected_versions=_versions(versions),
        ),
    )
    return go(request, f"/defects/{defect.id}?notice=Defect+DEF-{defect.id}+opened")
