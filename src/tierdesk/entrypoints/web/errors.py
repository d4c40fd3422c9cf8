"""One error shape for the whole API: ``{"error": {"code", "message", ...}}``.

The domain raises coded errors; this table alone decides their HTTP status. Anything else that
escapes a route (a bug, a disk that fails, a database that is gone) is caught by
``UnexpectedErrors``: logged with its traceback under a request id, and answered as the caller
reads answers — the envelope on the API, a page on pages, text for HTMX."""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tierdesk.bootstrap import is_database_unavailable
from tierdesk.errors import ErrorCode, TierdeskError

log = logging.getLogger(__name__)

STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID_INPUT: 422,
    ErrorCode.INVALID_TRANSITION: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA: 415,
    ErrorCode.CONFIGURATION: 500,
    ErrorCode.UNAVAILABLE: 502,
    ErrorCode.RATE_LIMITED: 429,
}

_HTTP_CODES = {
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media",
}


def error_response(
    http_status: int, code: str, message: str, data: dict[str, Any] | None = None
) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if http_status == 401 else None
    if http_status == 429 and data and "retry_after" in data:
        headers = {"Retry-After": str(data["retry_after"])}
    body = {"error": {**(data or {}), "code": code, "message": message}}
    return JSONResponse(body, status_code=http_status, headers=headers)


async def _tierdesk_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TierdeskError)
    return error_response(STATUS_BY_CODE[exc.code], str(exc.code), exc.message, exc.data)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [{"field": _field(err["loc"]), "problem": err["msg"]} for err in exc.errors()]
    if any(err.get("type") == "json_invalid" for err in exc.errors()):
        return error_response(
            400, "malformed_json", "the request body is not valid JSON", {"problems": problems}
        )
    summary = "; ".join(f"{p['field'] or 'body'}: {p['problem']}" for p in problems[:5])
    return error_response(
        422, "invalid_request", f"invalid request: {summary}", {"problems": problems}
    )


def _field(loc: Sequence[int | str]) -> str:
    """Where the problem is, without the leading "body" FastAPI puts on the request body's
    fields: a message's own field called ``body`` is then still named ("body", not "")."""
    parts = list(loc)
    if parts[:1] == ["body"]:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


# -- the unexpected -------------------------------------------------------------------------

RETRY_AFTER_SECONDS = 30  # a restarted database or a freed connection pool: soon, not at once
ErrorPage = Callable[[Request, int, str], Response]


def _plain_page(_request: Request, status: int, message: str) -> Response:
    """The page when the pages' own template is not installed (or fails too)."""
    body = f"<!doctype html><title>Error {status}</title><h1>Error {status}</h1>"
    return HTMLResponse(f"{body}<p>{html.escape(message)}</p>", status_code=status)


def unexpected_error_response(request: Request, error: Exception) -> Response:
    """Log ``error`` with a new request id and answer it without internals: 503 with
    Retry-After when the database is unavailable, 500 for anything else."""
    # The id the request middleware gave the request (its log lines carry it too).
    request_id = request.scope.get("tierdesk.request_id") or uuid.uuid4().hex
    request.scope["tierdesk.request_id"] = request_id  # for the page that tells it
    unavailable = is_database_unavailable(error)
    where = f"{request.method} {request.url.path}"
    if unavailable:
        status, code, retry = 503, "database_unavailable", RETRY_AFTER_SECONDS
        message = f"the database is unavailable; try again in {retry} seconds"
        log.error("database unavailable on %s (request %s)", where, request_id, exc_info=error)
    else:
        status, code, retry = 500, "internal_error", None
        message = "something went wrong on our side; it has been logged"
        log.error("unexpected error on %s (request %s)", where, request_id, exc_info=error)
    headers = {"X-Request-ID": request_id}
    if retry is not None:
        headers["Retry-After"] = str(retry)
    if request.url.path.startswith("/api/"):
        data: dict[str, Any] = {"request_id": request_id}
        if retry is not None:
            data["retry_after"] = retry
        response: Response = error_response(status, code, message, data)
    elif request.headers.get("HX-Request") == "true":
        response = PlainTextResponse(f"{message} (request {request_id})", status_code=status)
    else:
        page: ErrorPage = getattr(request.app.state, "error_page", _plain_page)
        text = f"{message}. Request id: {request_id}."
        try:
            response = page(request, status, text)
        except Exception:  # the page needs what just failed (the database, a template)
            log.exception("the error page failed too (request %s)", request_id)
            response = _plain_page(request, status, text)
    response.headers.update(headers)
    return response


class UnexpectedErrors:
    """Pure ASGI, inside the session and security-header middleware (so an error answer gets
    the same headers as any other) and outside the routes. Starlette's own last resort answers
    a bare text 500; an answer already under way cannot be replaced, and is left to it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, noting_start)
        except StarletteHTTPException as error:  # raised outside the routes (a body too large)
            if started:
                raise
            await escaped_http_error(Request(scope, receive), error)(scope, receive, send)
        except Exception as error:
            if started:
                raise
            response = unexpected_error_response(Request(scope, receive), error)
            await response(scope, receive, send)


def escaped_http_error(request: Request, error: StarletteHTTPException) -> Response:
    """An HTTP error no route's handler answered, in the shape its path expects: the API's
    envelope, the text beside an HTMX form, the error page."""
    message = str(error.detail)
    if request.url.path.startswith("/api/"):
        code = _HTTP_CODES.get(error.status_code, "http_error")
        return error_response(error.status_code, code, message)
    if request.headers.get("HX-Request") == "true":
        return PlainTextResponse(message, status_code=error.status_code)
    page: ErrorPage = getattr(request.app.state, "error_page", _plain_page)
    return page(request, error.status_code, message)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TierdeskError, _tierdesk_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    # Added first, so every middleware added later (sessions, security headers) wraps it.
    app.add_middleware(UnexpectedErrors)
    # What fails outside it (in a middleware that wraps it: sessions, the host check) reaches
    # Starlette's ServerErrorMiddleware, whose own answer is a bare text 500: this handler
    # answers instead, in the same shapes (the response may lack the outer middleware's headers).
    app.add_exception_handler(Exception, _last_resort)


async def _last_resort(request: Request, exc: Exception) -> Response:
    return unexpected_error_response(request, exc)
