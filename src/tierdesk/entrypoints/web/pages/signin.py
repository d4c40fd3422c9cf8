"""Signing in to and out of the agent workspace, and what both sign-in forms answer when the
sign-in limits make someone wait (429, Retry-After, the reason in the form)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response

from tierdesk.domain.outbound import DeliveryFailedError, OutgoingEmail
from tierdesk.entrypoints.web.deps import DeskDep, client_host
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.entrypoints.web.pages.sessions import Csrf, end_session, session_id, start_session
from tierdesk.errors import RateLimitedError, UnauthenticatedError
from tierdesk.mail_bootstrap import outbound_policy, smtp_transport
from tierdesk.services.sign_in_limits import SignInPausedError, lockout_notice
from tierdesk.services.web_sessions import Audience, sign_in

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def safe_next(next_path: str | None, default: str) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if next_path and next_path.startswith("/") and not next_path.startswith(("//", "/\\")):
        return next_path
    return default


def _send_quietly(request: Request, outgoing: OutgoingEmail) -> None:
    try:
        smtp_transport(request.app.state.tierdesk.settings.mail).send(outgoing)
    except DeliveryFailedError as failure:
        log.warning("could not send a sign-in notice to %s: %s", outgoing.to_address, failure)


def paused_answer(
    request: Request,
    background: BackgroundTasks,
    template: str,
    context: dict[str, Any],
    paused: RateLimitedError,
    said: str | None = None,
) -> Response:
    """The sign-in form again with the reason, status 429 and Retry-After. When this attempt
    locked somebody's account, they are told by mail (after the answer, when mail is set up).
    ``said`` is the reason in the reader's language (the portal's), else the error's own."""
    mail = request.app.state.tierdesk.settings.mail
    if isinstance(paused, SignInPausedError) and paused.locked is not None and mail.from_address:
        notice = lockout_notice(paused.locked, paused.retry_after, outbound_policy(mail))
        background.add_task(_send_quietly, request, notice)
    response = render(request, template, {**context, "error": said or paused.message}, status=429)
    response.headers["Retry-After"] = str(paused.retry_after)
    return response


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/queue", status_code=303)


@router.get("/signin")
def signin_page(request: Request, next: str | None = None) -> Response:
    return render(request, "signin.html", {"next": safe_next(next, "/queue"), "error": ""})


@router.post("/signin", dependencies=[Csrf])
def signin(
    request: Request,
    desk: DeskDep,
    background: BackgroundTasks,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    context = {"next": safe_next(next, "/queue"), "email": email}
    try:
        opened = sign_in(
            desk, Audience.AGENT, email, password, client_host(request), session_id(request)
        )
    except RateLimitedError as paused:
        return paused_answer(request, background, "signin.html", context, paused)
    except UnauthenticatedError as exc:
        return render(request, "signin.html", {**context, "error": exc.message}, status=401)
    start_session(request, opened)
    return RedirectResponse(safe_next(next, "/queue"), status_code=303)


@router.post("/signout", dependencies=[Csrf])
def signout(request: Request, desk: DeskDep) -> RedirectResponse:
    end_session(request, desk)
    return RedirectResponse("/signin", status_code=303)
