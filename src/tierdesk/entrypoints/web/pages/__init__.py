"""The agent workspace and the customer portal: server-rendered pages (Jinja2 + HTMX) on the
same services as the REST API. ``install_pages`` mounts them on the app."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.web_sessions import SESSION_LIFETIME
from tierdesk.entrypoints.web.errors import STATUS_BY_CODE, error_response
from tierdesk.entrypoints.web.pages import (
    account,
    admin,
    audit,
    dashboard,
    knowledge,
    portal,
    queue,
    records,
    search,
    signin,
    ticket,
    ticket_actions,
    understanding,
)
from tierdesk.entrypoints.web.pages.rendering import STATIC_DIR, render
from tierdesk.entrypoints.web.pages.sessions import SignInRequiredError, session_secret
from tierdesk.errors import TierdeskError
from tierdesk.services.web_sessions import Audience


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequiredError)
    base = "/signin" if exc.audience is Audience.AGENT else "/portal/signin"
    url = f"{base}?next={quote(exc.next_path, safe='')}"
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


async def _desk_error(request: Request, exc: Exception) -> Response:
    """The API keeps its JSON error shape; pages answer with a readable page (or, for HTMX,
    the message alone, which the page shows in its notice area)."""
    assert isinstance(exc, TierdeskError)
    status = STATUS_BY_CODE[exc.code]
    if _is_api(request):
        return error_response(status, str(exc.code), exc.message, exc.data)
    if request.headers.get("HX-Request") == "true":
        return Response(exc.message, status_code=status, media_type="text/plain")
    return render(request, "error.html", {"status": status, "message": exc.message}, status)


def install_pages(app: FastAPI, application: Tierdesk) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(application.settings),
        session_cookie="tierdesk_session",
        max_age=int(SESSION_LIFETIME.total_seconds()),  # the desk's record decides, too
        same_site="lax",
        https_only=application.settings.env == "prod",
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.add_exception_handler(SignInRequiredError, _sign_in_required)
    app.add_exception_handler(TierdeskError, _desk_error)
    for module in (
        signin,
        queue,
        ticket,
        ticket_actions,
        understanding,
        records,
        knowledge,
        search,
        dashboard,
        admin,
        audit,
        portal,
        account,
    ):
        app.include_router(module.router)
