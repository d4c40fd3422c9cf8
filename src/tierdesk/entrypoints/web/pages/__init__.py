"""The agent workspace and the customer portal: server-rendered pages (Jinja2 + HTMX) on the
same services as the REST API. ``install_pages`` mounts them on the app."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.web_sessions import SESSION_LIFETIME
from tierdesk.entrypoints.web.errors import (
    STATUS_BY_CODE,
    error_response,
    http_error,
    validation_error,
)
from tierdesk.entrypoints.web.pages import (
    access_notes,
    account,
    admin,
    admin_calendars,
    admin_catalog,
    admin_contacts,
    admin_levels,
    admin_plans,
    admin_routing,
    admin_rules,
    advisories,
    articles,
    audit,
    dashboard,
    error_pages,
    handovers,
    help_centre,
    installed_base,
    knowledge,
    knowledge_gaps,
    live,
    mail_quarantine,
    notifications,
    portal,
    portal_articles,
    portal_enhancements,
    queue,
    records,
    reports,
    rmas,
    search,
    side_conversations,
    signin,
    ticket,
    ticket_actions,
    ticket_defects,
    ticket_fields,
    ticket_levels,
    ticket_merges,
    ticket_new,
    time_spent,
    understanding,
    webhooks,
)
from tierdesk.entrypoints.web.pages.rendering import STATIC_DIR
from tierdesk.entrypoints.web.pages.sessions import SignInRequiredError, session_secret
from tierdesk.entrypoints.web.text_input import refuse_nul_characters
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
    """The API keeps its JSON error shape; pages answer with a readable page in the look of the
    workspace or the portal (or, for HTMX, the message and the form fields it is about, which
    desk.js shows next to them: error_pages.py)."""
    assert isinstance(exc, TierdeskError)
    status = STATUS_BY_CODE[exc.code]
    if _is_api(request):
        return error_response(status, str(exc.code), exc.message, exc.data)
    return error_pages.desk_error_page(request, exc, status)


async def _http_error(request: Request, exc: Exception) -> Response:
    """No such page, wrong method: JSON for the API and FastAPI's docs, a page elsewhere."""
    assert isinstance(exc, StarletteHTTPException)
    if _is_api(request) or request.url.path.startswith(("/docs", "/redoc", "/openapi.json")):
        return await http_error(request, exc)
    return error_pages.http_error_page(request, exc.status_code, str(exc.detail))


async def _form_error(request: Request, exc: Exception) -> Response:
    """A form that left out a field the route needs (no ticket ticked): a page error too."""
    assert isinstance(exc, RequestValidationError)
    if _is_api(request):
        return await validation_error(request, exc)
    return error_pages.form_error_page(request, exc.errors())


def _error_page(request: Request, status: int, message: str) -> Response:
    if error_pages.is_portal(request):  # a customer reads it in the portal's language
        message = error_pages.portal_server_error(request)
    return error_pages.error_page(request, status, message, [])


def install_pages(app: FastAPI, application: Tierdesk) -> None:
    app.state.error_page = _error_page  # what errors.UnexpectedErrors shows on pages
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
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _form_error)
    for module in (
        error_pages,
        signin,
        handovers,  # before queue: /queue/handed-over is its own page
        queue,
        ticket_fields,
        ticket_new,  # before ticket: /tickets/new is not a ticket's number
        ticket,
        ticket_actions,
        ticket_levels,
        ticket_merges,
        understanding,
        installed_base,
        side_conversations,
        access_notes,
        rmas,
        records,
        ticket_defects,
        articles,  # before knowledge: /kb/articles/new is not a manual's id
        knowledge,
        knowledge_gaps,
        search,
        dashboard,
        time_spent,  # before reports: /reports/time is its own page
        reports,
        webhooks,  # before admin: /admin/webhooks is its own page
        admin_calendars,  # before admin: /admin/calendars/… and /admin/policies/…/calendar
        admin_catalog,  # before admin: /admin/products/… are its own
        admin_levels,  # before admin: /admin/levels is its own page
        mail_quarantine,  # before admin: /admin/mail is its own page
        admin_plans,
        admin_routing,
        admin_rules,
        admin_contacts,
        admin,
        audit,
        portal,
        portal_articles,
        portal_enhancements,
        advisories,
        help_centre,
        account,
        live,
        notifications,
    ):
        # Text holding a NUL character is refused on every page too (PostgreSQL cannot store it).
        app.include_router(module.router, dependencies=[Depends(refuse_nul_characters)])
