"""Who is signed in to the workspace or the portal, and the CSRF check on every POST.

The cookie is signed with the desk's secret (Starlette's SessionMiddleware over itsdangerous)
and holds only a random session id and the CSRF token. The desk keeps the session itself
(services/web_sessions.py) and reads it, with the person, on every request: sign-out, a password
change and deactivation end it there, so a copied cookie stops working with them."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from tierdesk.config import Settings
from tierdesk.domain.people import Agent, Contact
from tierdesk.entrypoints.web.deps import DeskDep, get_desk
from tierdesk.errors import PermissionDeniedError
from tierdesk.services.web_sessions import Audience, OpenedSession, sign_out, signed_in_person

SESSION_ID = "sid"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_DEV_PLACEHOLDER = Settings.model_fields["secret_key"].default.get_secret_value()


class SignInRequiredError(Exception):
    """Raised by a page that needs someone signed in; answered with a redirect to sign-in."""

    def __init__(self, audience: Audience, next_path: str) -> None:
        super().__init__(f"{audience} sign-in required")
        self.audience = audience
        self.next_path = next_path


class CsrfError(PermissionDeniedError):
    def __init__(self) -> None:
        super().__init__(
            "the form's security token is missing or stale; reload the page and try again",
            action="submit forms",
        )


def session_secret(settings: Settings) -> str:
    """The configured secret, or, while the settings hold the development placeholder, one
    generated once and kept in the data directory so sessions survive restarts."""
    configured = settings.secret_key.get_secret_value()
    if configured != _DEV_PLACEHOLDER:
        return configured
    path: Path = settings.data_dir / "session-secret"
    if path.exists():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(secret)
    return secret


def csrf_token(request: Request) -> str:
    session: dict[str, Any] = request.session
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def session_id(request: Request) -> str | None:
    value = request.session.get(SESSION_ID)
    return value if isinstance(value, str) else None


def start_session(request: Request, opened: OpenedSession) -> None:
    # A fresh cookie on sign-in: nothing from before (a planted CSRF token) carries over. The
    # service has ended the session the old cookie named.
    request.session.clear()
    request.session[SESSION_ID] = opened.token
    csrf_token(request)


def end_session(request: Request, desk: DeskDep) -> None:
    token = session_id(request)
    if token is not None:
        sign_out(desk, token)
    request.session.clear()


def _signed_in(request: Request, desk: DeskDep, audience: Audience) -> Agent | Contact | None:
    token = session_id(request)
    return signed_in_person(desk, audience, token) if token is not None else None


def _next_path(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def web_agent(request: Request, desk: DeskDep) -> Agent:
    person = _signed_in(request, desk, Audience.AGENT)
    if not isinstance(person, Agent):
        raise SignInRequiredError(Audience.AGENT, _next_path(request))
    return person


def web_contact(request: Request, desk: DeskDep) -> Contact:
    person = _signed_in(request, desk, Audience.CONTACT)
    if not isinstance(person, Contact):
        raise SignInRequiredError(Audience.CONTACT, _next_path(request))
    request.state.contact = person  # an error page later in the request speaks their language
    return person


def known_contact(request: Request) -> Contact | None:
    """The signed-in customer a portal request is from, once looked up: an error refused before
    the route asked (a body refused as it was read) still speaks their language."""
    found = getattr(request.state, "contact", None)
    if found is None and "session" in request.scope:  # pages only: the API has no session
        found = _signed_in(request, get_desk(request), Audience.CONTACT)
        request.state.contact = found if isinstance(found, Contact) else None
    return found if isinstance(found, Contact) else None


async def verify_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token, in the form or (HTMX) a header."""
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or sent is None or not secrets.compare_digest(sent, expected):
        raise CsrfError


WebAgent = Annotated[Agent, Depends(web_agent)]
WebContact = Annotated[Contact, Depends(web_contact)]
Csrf = Depends(verify_csrf)
