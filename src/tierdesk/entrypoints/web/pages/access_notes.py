"""Access to customers' systems in the workspace (issue 21 item 2): the "Access notes" section
of an organisation's page (leads and admins add, edit and remove notes and choose the level
allowed to reveal them; agents see titles and kinds), and the ticket page's panel "Access to
the customer's systems", whose Reveal button shows one note's secret for this ticket (audited).
The same services as /api/v1 (services/access_notes.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.access_notes import AccessNoteKind, parse_kind
from tierdesk.domain.people import Tier
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId, typed_record_id
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import access_notes as an

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _back(organisation_id: int, notice: str) -> str:
    return (
        f"/organisations/{organisation_id}/installed?notice={notice.replace(' ', '+')}#access-notes"
    )


def _site(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    site = typed_record_id(text)
    if site is None:
        raise InvalidInputError("choose one of the sites", field="site_id")
    return site


@router.get("/organisations/{organisation_id}/access-notes")
def organisation_section(
    request: Request, desk: DeskDep, agent: WebAgent, organisation_id: RecordId
) -> Response:
    view = an.organisation_access(desk, agent, organisation_id)
    context = {"user": agent, "view": view, "kinds": list(AccessNoteKind), "tiers": list(Tier)}
    return render(request, "_access_notes_org.html", context)


@router.post("/organisations/{organisation_id}/access-notes", dependencies=[Csrf])
def add_note(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    title: Text = "",
    kind: Text = "",
    body: Text = "",
    site_id: Text = "",
) -> Response:
    new = an.NoteInput(title, parse_kind(kind), body, _site(site_id))
    an.add_note(desk, agent, organisation_id, new)
    return go(request, _back(organisation_id, "Access note added"))


@router.post("/organisations/{organisation_id}/access-notes/level", dependencies=[Csrf])
def set_level(
    request: Request, desk: DeskDep, agent: WebAgent, organisation_id: RecordId, min_tier: Text = ""
) -> Response:
    an.set_min_tier(desk, agent, organisation_id, Tier.parse(min_tier))
    return go(request, _back(organisation_id, "Access level saved"))


@router.post("/organisations/{organisation_id}/access-notes/{note_id}", dependencies=[Csrf])
def edit_note(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation_id: RecordId,
    note_id: RecordId,
    title: Text = "",
    kind: Text = "",
    body: Text = "",
    site_id: Text = "",
    remove: Text = "",
) -> Response:
    if remove:
        an.remove_note(desk, agent, organisation_id, note_id)
        return go(request, _back(organisation_id, "Access note removed"))
    new = an.NoteInput(title, parse_kind(kind), body, _site(site_id))
    an.update_note(desk, agent, organisation_id, note_id, new)
    return go(request, _back(organisation_id, "Access note saved"))


# -- the ticket page's panel ----------------------------------------------------------------


@router.get("/tickets/{reference}/access")
def ticket_panel(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    view = an.ticket_access(desk, agent, reference)
    return render(request, "_access_notes.html", {"user": agent, "view": view})


@router.post("/tickets/{reference}/access/{note_id}/reveal", dependencies=[Csrf])
def reveal(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, note_id: RecordId
) -> Response:
    revealed = an.reveal_note(desk, agent, note_id, reference)
    response = render(request, "_access_note_revealed.html", {"user": agent, "revealed": revealed})
    response.headers["Cache-Control"] = "no-store"
    return response
