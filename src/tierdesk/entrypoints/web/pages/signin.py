"""Signing in to and out of the agent workspace."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.entrypoints.web.pages.sessions import Csrf, end_session, start_session
from tierdesk.errors import UnauthenticatedError
from tierdesk.services.web_sessions import Audience, sign_in

router = APIRouter(include_in_schema=False)


def safe_next(next_path: str | None, default: str) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if next_path and next_path.startswith("/") and not next_path.startswith(("//", "/\\")):
        return next_path
    return default


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
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    try:
        agent = sign_in(desk, Audience.AGENT, email, password)
    except UnauthenticatedError as exc:
        context = {"next": safe_next(next, "/queue"), "error": exc.message, "email": email}
        return render(request, "signin.html", context, status=401)
    assert agent.id is not None
    start_session(request, Audience.AGENT, agent.id)
    return RedirectResponse(safe_next(next, "/queue"), status_code=303)


@router.post("/signout", dependencies=[Csrf])
def signout(request: Request) -> RedirectResponse:
    end_session(request)
    return RedirectResponse("/signin", status_code=303)
