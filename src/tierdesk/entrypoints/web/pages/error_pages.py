"""How pages answer when something goes wrong: a form sent by HTMX gets the message and the
fields it is about (desk.js shows it next to them, leaving what was typed in place); a plain
request gets an error page in the look of the part of the site it came from (the portal's for
portal URLs), with a "Go back" that is a real link, since the pages' CSP runs no inline script.
Also the favicon, which every browser asks for at /favicon.ico."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from tierdesk.domain.customer_texts import customer_text, has_text
from tierdesk.entrypoints.web.pages.rendering import STATIC_DIR, is_htmx, portal_language, render
from tierdesk.entrypoints.web.pages.sessions import known_contact
from tierdesk.errors import ErrorCode, InvalidInputError, TierdeskError

log = logging.getLogger(__name__)

# The form fields an error is about, comma-separated, for desk.js (field names are ASCII).
FIELDS_HEADER = "X-Desk-Fields"

router = APIRouter(include_in_schema=False)


def is_portal(request: Request) -> bool:
    path = request.url.path  # the public help centre (/help) is the portal's too
    return any(path == p or path.startswith(f"{p}/") for p in ("/portal", "/help"))


def error_fields(error: TierdeskError) -> list[str]:
    """The fields of the form that caused ``error``: the parts a hand-off packet misses, else
    the field the error names. A dotted name ("packet.diagnostics") is the form's last part."""
    missing = error.data.get("missing")
    named = missing if isinstance(missing, list) else [error.data.get("field")]
    return [name.rsplit(".", 1)[-1] for name in named if isinstance(name, str) and name]


def back_link(request: Request, start: str) -> str:
    """The page the request came from, when the browser said so and it is on this site (the
    pages' Referrer-Policy sends it only to the same origin); else the start page. Only the
    path is kept, and the host alone is compared: behind a proxy that ends TLS the scheme the
    app sees is not the browser's."""
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc == request.url.netloc
    if not same_site or not referer.path.startswith("/") or referer.path.startswith("//"):
        return start
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    return start if back == here else back


def error_page(request: Request, status: int, message: str, fields: list[str]) -> Response:
    if is_htmx(request):
        headers = {FIELDS_HEADER: ",".join(fields)} if fields else None
        return Response(message, status_code=status, media_type="text/plain", headers=headers)
    portal = is_portal(request)
    start = "/portal/tickets" if portal else "/"
    context = {"status": status, "message": message, "back": back_link(request, start)}
    if portal:  # a signed-in customer keeps the portal's menu and "Sign out" (_customer_known)
        context["contact"] = getattr(request.state, "contact", None)
    template = "portal/error.html" if portal else "error.html"
    return render(request, template, context, status)


class CustomerInputError(InvalidInputError):
    """A refusal the portal has already worded in the customer's language: shown as it is."""


def _customer_known(request: Request) -> None:
    """Look up the signed-in customer when the refusal came before the route did (so
    ``portal_language`` finds them); an error page must not fail on it."""
    try:
        known_contact(request)
    except Exception:
        log.warning("the error page could not tell who is signed in", exc_info=True)


def desk_error_page(request: Request, error: TierdeskError, status: int) -> Response:
    fields = error_fields(error)
    if is_portal(request) and not isinstance(error, CustomerInputError):
        _customer_known(request)
        return error_page(request, status, _portal_refusal(request, error, fields), fields)
    return error_page(request, status, error.message, fields)


# The services word their refusals for agents, in English; a customer reads what went wrong in
# the portal's language, by the kind of error and the form fields it names.
_PORTAL_REFUSALS = {
    ErrorCode.NOT_FOUND: "portal.error.not_found",
    ErrorCode.UNAUTHENTICATED: "portal.error.link",  # the portal's one: a sign-in link
    ErrorCode.UNSUPPORTED_MEDIA: "portal.error.file_type",
    ErrorCode.CONFLICT: "portal.error.changed",
    ErrorCode.INVALID_TRANSITION: "portal.error.changed",
    ErrorCode.PERMISSION_DENIED: "portal.error.forbidden",
}


def _portal_refusal(request: Request, error: TierdeskError, fields: list[str]) -> str:
    language = portal_language(request)
    labels = ", ".join(_portal_labels(language, fields))
    limit = error.data.get("limit")
    if error.code is ErrorCode.TOO_LARGE and isinstance(limit, int):  # an attachment
        megabytes = max(1, round(limit / 1024 / 1024))
        return customer_text(language, "portal.error.file_too_large", megabytes=megabytes)
    if error.code is ErrorCode.TOO_LARGE and labels:
        return customer_text(language, "portal.error.too_long", fields=labels)
    if error.code is ErrorCode.INVALID_INPUT and labels:
        return customer_text(language, "portal.error.check", fields=labels)
    return customer_text(language, _PORTAL_REFUSALS.get(error.code, "portal.error.invalid"))


_HTTP_MESSAGES = {
    404: "There is no page at this address.",
    405: "This address does not answer that kind of request.",
    413: "What you sent is larger than this desk accepts: send smaller files, or fewer at once.",
}


_PORTAL_HTTP_MESSAGES = {
    404: "portal.error.no_page",
    405: "portal.error.wrong_method",
    413: "portal.error.too_large",
}

# A form field's label in the portal's texts, where the field's name is not its own key.
_PORTAL_FIELD_LABELS = {
    "subject": "portal.subject",
    "body": "portal.field.body",
    "email": "portal.email",
    "password": "portal.password",
    "score": "csat.legend",
}


def http_error_page(request: Request, status: int, detail: str) -> Response:
    """Starlette's own errors (no such page, wrong method) on page URLs; a customer reads
    them in the portal's language."""
    if is_portal(request) and status in _PORTAL_HTTP_MESSAGES:
        _customer_known(request)
        message = customer_text(portal_language(request), _PORTAL_HTTP_MESSAGES[status])
        return error_page(request, status, message, [])
    return error_page(request, status, _HTTP_MESSAGES.get(status, detail), [])


def form_error_page(request: Request, problems: Sequence[Any]) -> Response:
    """What FastAPI found missing or malformed in a page's form, said per field."""
    if problems and all(next(iter(p.get("loc") or ("",))) == "path" for p in problems):
        # A malformed id in the address ("/portal/articles/abc") names no page: the 404 an
        # unknown id gets, not a form's "fill in: article id".
        return http_error_page(request, 404, "Not Found")
    fields: list[str] = []
    said: list[str] = []
    for problem in problems:
        field = str(problem["loc"][-1]) if problem.get("loc") else "the form"
        fields.append(field)
    if is_portal(request):
        return error_page(request, 422, _portal_fill_in(request, fields), fields)
    for problem, field in zip(problems, fields, strict=True):
        name = field.replace("_", " ")
        missing = problem.get("type") == "missing"
        said.append(f"fill in {name}" if missing else f"check {name}: {_in_words(problem)}")
    return error_page(request, 422, "Please " + "; ".join(said) + ".", fields)


def _in_words(problem: Any) -> str:
    """Pydantic's message, in the words a form would use ("at most 40 characters", not
    "String should have at most 40 characters"; a pattern's regular expression is no help)."""
    kind, limits = problem.get("type"), problem.get("ctx") or {}
    if kind == "string_too_long":
        return f"at most {limits.get('max_length')} characters"
    if kind == "string_too_short":
        return f"at least {limits.get('min_length')} characters"
    if kind == "string_pattern_mismatch":
        return "not one of the values this form offers"
    return str(problem.get("msg", "not valid"))


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "favicon.ico",
        media_type="image/vnd.microsoft.icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _portal_fill_in(request: Request, fields: list[str]) -> str:
    """A customer is told which fields to fill in, named as the form labels them, in the
    portal's language (FastAPI's own messages are English and name fields by their keys)."""
    language = portal_language(request)
    labels = ", ".join(_portal_labels(language, fields))
    return customer_text(language, "portal.error.fill_in", fields=labels)


def _portal_labels(language: str, fields: list[str]) -> list[str]:
    labels = []
    for field in dict.fromkeys(fields):
        key = _PORTAL_FIELD_LABELS.get(field, f"portal.{field}")
        labels.append(customer_text(language, key) if has_text(key) else field.replace("_", " "))
    return labels


def portal_server_error(request: Request) -> str:
    """What broke on our side (or the database that is away), for a customer: in the portal's
    language, with the request id the log has."""
    said = customer_text(portal_language(request), "portal.error.server")
    request_id = request.scope.get("tierdesk.request_id")
    return f"{said} ({request_id})" if request_id else said


def portal_fill_in(request: Request, labels: dict[str, str]) -> CustomerInputError:
    """The refusal of a portal form whose fields ``labels`` (name: label key) were left
    blank, in the portal's language."""
    language = portal_language(request)
    named = ", ".join(customer_text(language, key) for key in labels.values())
    said = customer_text(language, "portal.error.fill_in", fields=named)
    return CustomerInputError(said, missing=list(labels))
