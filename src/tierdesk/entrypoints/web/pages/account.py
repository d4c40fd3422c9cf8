"""Changing one's own password: agents in the workspace, contacts in the portal. The browser
that changes it stays signed in (with a fresh session); every other session of theirs ends."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.customer_texts import customer_text, minutes_phrase
from tierdesk.domain.people import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, Agent, Contact
from tierdesk.domain.sign_in_limits import LimitScope, wait_minutes
from tierdesk.entrypoints.web.deps import DeskDep, client_host
from tierdesk.entrypoints.web.errors import STATUS_BY_CODE
from tierdesk.entrypoints.web.pages.rendering import go, portal_language, render
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
    portal = isinstance(person, Contact)
    try:
        if new_password != new_password_again:
            raise InvalidInputError(
                "the new password and its repetition differ", field="new_password_again"
            )
        opened = change_password(desk, person, current_password, new_password, client_host(request))
    except RateLimitedError as paused:
        said = _customer_paused(request, paused) if portal else paused.message
        response = _form(request, person, said, 429)
        response.headers["Retry-After"] = str(paused.retry_after)
        return response
    except TierdeskError as error:
        said = _customer_refusal(request, error) if portal else error.message
        return _form(request, person, said, STATUS_BY_CODE[error.code])
    start_session(request, opened)
    if portal:
        return go(request, f"{_PORTAL}?notice=password_changed")
    said = "Password+changed.+Your+other+sessions+were+signed+out."
    return go(request, f"{_WORKSPACE}?notice={said}")


# What the password service refuses, by the field it names, in the portal's words.
_CUSTOMER_REFUSALS = {
    "new_password_again": "password.error.mismatch",
    "password": "password.error.length",
    "new_password": "password.error.same",
    "current_password": "password.error.wrong_current",
}


def _customer_refusal(request: Request, error: TierdeskError) -> str:
    key = _CUSTOMER_REFUSALS.get(str(error.data.get("field")), "portal.error.invalid")
    lengths = {"min": MIN_PASSWORD_LENGTH, "max": MAX_PASSWORD_LENGTH}
    return customer_text(portal_language(request), key, **lengths)


def _customer_paused(request: Request, paused: RateLimitedError) -> str:
    language = portal_language(request)
    wait = minutes_phrase(language, wait_minutes(paused.retry_after))
    account = getattr(paused, "scope", None) is LimitScope.ACCOUNT
    key = "portal.error.paused_account" if account else "portal.error.paused_network"
    return customer_text(language, key, wait=wait)


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
