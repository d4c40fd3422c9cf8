"""Templates (Jinja2, autoescaped) and the helpers every page uses to answer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tierdesk.entrypoints.web.pages.sessions import CSRF_FIELD, CSRF_HEADER, csrf_token
from tierdesk.services.idempotency import new_key

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _iso(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat() if value else ""


def _minutes(value: float | None) -> str:
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    total = int(abs(value))
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h"
    return f"{sign}{hours}h {minutes:02d}m"


def _environment() -> Environment:
    # autoescape on for every template: user text can only ever be text on these pages.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["iso"] = _iso
    env.filters["minutes"] = _minutes
    return env


ENV = _environment()


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    values: dict[str, Any] = {
        "request": request,
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "csrf_header": CSRF_HEADER,
        "form_key": new_key,  # a fresh one-time key per call: {{ form_key() }} in a form
        "user": None,
        "contact": None,
        "notice": request.query_params.get("notice", ""),
        **(context or {}),
    }
    html = ENV.get_template(template).render(values)
    return HTMLResponse(html, status_code=status)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def go(request: Request, url: str) -> Response:
    """After a POST: a redirect (303) for plain forms, HX-Redirect for HTMX requests."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
