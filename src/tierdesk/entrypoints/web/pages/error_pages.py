"""How pages answer when something goes wrong: a form sent by HTMX gets the message and the
fields it is about (desk.js shows it next to them, leaving what was typed in place); a plain
request gets an error page in the look of the part of the site it came from (the portal's for
portal URLs), with a "Go back" that is a real link, since the pages' CSP runs no inline script.
Also the favicon, which every browser asks for at /favicon.ico."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from tierdesk.domain.customer_texts import customer_text, has_text
from tierdesk.entrypoints.web.pages.rendering import STATIC_DIR, is_htmx, portal_language, render
from tierdesk.errors import TierdeskError

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
    template = "portal/error.html" if portal else "error.html"
    return render(request, template, context, status)


def desk_error_page(request: Request, error: TierdeskError, status: int) -> Response:
    return error_page(request, status, error.message, error_fields(error))


_HTTP_MESSAGES = {
    404: "There is no page at this address.",
    405: "This address does not answer that kind of request.",
}


_PORTAL_HTTP_MESSAGES = {404: "portal.error.no_page", 405: "portal.error.wrong_method"}

# A form field's label in the portal's texts, where the field's name is not its own key.
_PORTAL_FIELD_LABELS = {
    "subject": "portal.subject",
    "body": "portal.field.body",
    "email": "portal.email",
    "password": "portal.password",
}


def http_error_page(request: Request, status: int, detail: str) -> Response:
    """Starlette's own errors (no such page, wrong method) on page URLs; a customer reads
    them in the portal's language."""
    if is_portal(request) and status in _PORTAL_HTTP_MESSAGES:
        message = customer_text(portal_language(request), _PORTAL_HTTP_MESSAGES[status])
        return error_page(request, status, message, [])
    return error_page(request, status, _HTTP_MESSAGES.get(status, detail), [])


def form_error_page(request: Request, problems: Sequence[Any]) -> Response:
    """What FastAPI found missing or malformed in a page's form, said per field."""
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
        said.append(f"fill in {name}" if missing else f"{name}: {problem.get('msg', 'not valid')}")
    return error_page(request, 422, "Please " + "; ".join(said) + ".", fields)


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
    labels = []
    for field in dict.fromkeys(fields):
        key = _PORTAL_FIELD_LABELS.get(field, f"portal.{field}")
        labels.append(customer_text(language, key) if has_text(key) else field.replace("_", " "))
    return customer_text(language, "portal.error.fill_in", fields=", ".join(labels))
