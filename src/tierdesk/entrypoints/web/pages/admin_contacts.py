"""Contacts of an organisation and their portal access, for leads and admins: list, add,
deactivate or reactivate, e-mail a sign-in link (services/people.py, services/contacts.py,
services/web_sessions.py: the same calls as the API and the portal)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote_plus

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.entrypoints.web.sign_in_links import send_sign_in_link
from tierdesk.errors import NotFoundError
from tierdesk.services import contacts, people
from tierdesk.services.access import require_lead

router = APIRouter(prefix="/admin/contacts", include_in_schema=False)


def _back(request: Request, organisation_id: int, notice: str) -> Response:
    return go(
        request, f"/admin/contacts?organisation={organisation_id}&notice={quote_plus(notice)}"
    )


@router.get("")
def contacts_page(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation: Annotated[int | None, Query()] = None,
) -> Response:
    require_lead(agent, "use the admin pages")
    organisations = people.list_organisations(desk, agent)
    chosen = next((o for o in organisations if o.id == organisation), None)
    if chosen is None and organisation is not None:
        raise NotFoundError(f"organisation {organisation} not found")
    chosen = chosen or (organisations[0] if organisations else None)
    found = people.list_contacts(desk, agent, chosen.id) if chosen else []
    mail = bool(request.app.state.tierdesk.settings.mail.from_address)
    context = {
        "user": agent,
        "organisations": organisations,
        "organisation": chosen,
        "contacts": found,
        "mail_ready": mail,
    }
    return render(request, "admin/contacts.html", context)


@router.post("", dependencies=[Csrf])
def add_contact(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    organisation: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
) -> Response:
    require_lead(agent, "use the admin pages")
    created = people.create_contact(
        desk,
        agent,
        people.NewContact(email=email, name=name, organisation=organisation, language=language),
    )
    assert created.organisation.id is not None
    return _back(request, created.organisation.id, f"Contact {created.contact.name} added")


@router.post("/{contact_id}/active", dependencies=[Csrf])
def set_active(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    contact_id: RecordId,
    active: Annotated[str, Form()] = "",
) -> Response:
    """Off: no sign-in of any kind and every session ends; on again: they may sign in."""
    require_lead(agent, "use the admin pages")
    changed = contacts.set_contact_active(desk, agent, contact_id, active == "true")
    said = "reactivated" if changed.active else "deactivated; their sessions were ended"
    return _back(request, changed.organisation_id, f"{changed.name} {said}")


@router.post("/{contact_id}/link", dependencies=[Csrf])
def send_link(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    background: BackgroundTasks,
    contact_id: RecordId,
) -> Response:
    """E-mail the contact a single-use sign-in link, as the portal's own form does (and under
    the same limit on links per hour); a refusal says why (sign_in_links.py)."""
    require_lead(agent, "use the admin pages")
    contact = send_sign_in_link(request, desk, agent, background, contact_id)
    return _back(request, contact.organisation_id, f"Sign-in link sent to {contact.email}")
