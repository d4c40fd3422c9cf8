"""Changing one's own password: agents in the workspace, contacts in the portal. The browser
that changes it stays signed in (with a fresh session); every other session of theirs ends."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.people import MIN_PASSWORD_LENGTH, Agent, Contact
from tierdesk.entrypoints.web.deps import DeskDep, client_host
from tierdesk.entrypoints.web.errors import STATUS_BY_CODE
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent, WebContact, start_session
from tierdesk.errors import InvalidInputError, RateLimitedError, TierdeskError
from tierdesk.services.desk import Desk
from tierdesk.services.passwords import change_password

router = APIRouter(include_in_schema=False)

_WORKSPACE = "/account/password"
_PORTAL = "/portal/account/password"


def _form(
    request: Request, person: Agent | Contact, error: str = "", status: int = 200
) -> Response:
    portal = isinstance(person, Contact)
    context = {
        "base": "portal/base.html" if portal else "base.html",
        "action": _PORTAL if portal else _WORKSPACE,
        "user": None if portal else person,
        "contact": person if portal else None,
        "has_password": person.password_hash is not None,
        "min_password_length": MIN_PASSWORD_LENGTH,
        "error": error,
    }
    return render(request, "password.html", context, status)


def _change(
    request: Request,
    desk: Desk,
    person: Agent | Contact,
    current_password: str,
    new_password: str,
    new_password_again: str,
) -> Response:
    action = _PORTAL if isinstance(person, Contact) else _WORKSPACE
    try:
        if new_password != new_password_again:
            raise InvalidInputError(
                "the new password and its repetition differ", field="new_password_again"
            )
        opened = change_password(desk, person, current_password, new_password, client_host(request))
    except RateLimitedError as paused:
        response = _form(request, person, paused.message, 429)
        response.headers["Retry-After"] = str(paused.retry_after)
        return response
    except TierdeskError as error:
        return _form(request, person, error.message, STATUS_BY_CODE[error.code])
    start_session(request, opened)
    return go(request, f"{action}?notice=Password+changed.+Your+other+sessions+were+signed+out.")


@router.get(_WORKSPACE)
def agent_password_form(request: Request, agent: WebAgent) -> Response:
    return _form(request, agent)


@router.post(_WORKSPACE, dependencies=[Csrf])
def change_agent_password(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_again: Annotated[str, Form()] = "",
) -> Response:
    return _change(request, desk, agent, current_password, new_password, new_password_again)


@router.get(_PORTAL)
def contact_password_form(request: Request, contact: WebContact) -> Response:
    return _form(request, contact)


@router.post(_PORTAL, dependencies=[Csrf])
def change_contact_password(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_again: Annotated[str, Form()] = "",
) -> Response:
    return _change(request, desk, contact, current_password, new_password, new_password_again)
