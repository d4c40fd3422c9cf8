"""Templates (Jinja2, autoescaped) and the helpers every page uses to answer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from tierdesk.domain.customer_texts import customer_day, customer_language, customer_text, has_text
from tierdesk.domain.people import Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.entrypoints.web.pages.sessions import CSRF_FIELD, CSRF_HEADER, csrf_token
from tierdesk.services.idempotency import new_key
from tierdesk.services.incidents import incidents_for_customer

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
DEFAULT_STRONG_CONFIDENCE = 0.8


@pass_context
def _when(context: Context, value: datetime | None) -> str:
    """A moment as the page's language writes it ("04.12.2026, 08:30 UTC" in German; the
    workspace's English keeps "2026-12-04 08:30 UTC")."""
    if value is None:
        return ""
    pattern = customer_text(context.get("language"), "format.when")
    return value.astimezone(UTC).strftime(pattern)


@pass_context
def _day(context: Context, value: date | None) -> str:
    """A day as the page's language writes it ("05.02.2027"; English keeps ISO)."""
    return customer_day(context.get("language"), value) if value is not None else ""


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
    env.filters["day"] = _day
    env.filters["minutes"] = _minutes
    return env


ENV = _environment()


def accepted_languages(request: Request) -> list[str]:
    """The browser's Accept-Language, most wanted first ("de-CH,de;q=0.9,en;q=0.5")."""
    ranked = []
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, position, tag))
    return [tag for _weight, _position, tag in sorted(ranked)]


def portal_language(
    request: Request, contact: Contact | None = None, ticket: Ticket | None = None
) -> str:
    """What the portal speaks: the language the signed-in contact states (the person reading:
    a German customer opening a colleague's English ticket still reads a German portal), else
    on a ticket's page the ticket's language (its mails are in it too), else what the browser
    asks for, else English."""
    contact = contact or getattr(request.state, "contact", None)
    return customer_language(
        contact.language if contact else None,
        ticket.language if ticket else None,
        *accepted_languages(request),
    )


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """The page's language is ``context["language"]``; left out, the portal's
    (``portal_language``) on portal pages and English in the workspace. Templates say their
    words with ``t("key", **values)`` from ``domain/customer_texts`` in that language, and a
    portal page's ``?notice=`` names one of its ``portal.notice.*`` texts (any other is not
    shown)."""
    # A portal page: one of portal/, or a shared page drawn in the portal's frame (the
    # password page).
    portal = template.startswith("portal/") or (context or {}).get("base") == "portal/base.html"
    language = (context or {}).get("language") or (portal_language(request) if portal else "en")
    notice = request.query_params.get("notice", "")
    if portal:
        # Only the portal's own notices: a link with any other ?notice= text must not make the
        # portal say it to a customer (nor say it in English).
        key = f"portal.notice.{notice}"
        notice = customer_text(language, key) if has_text(key) else ""
    elif notice and not Path(template).name.startswith("_"):
        notice = _said_notice(request, notice)
    values: dict[str, Any] = {
        "request": request,
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "csrf_header": CSRF_HEADER,
        "form_key": new_key,  # a fresh one-time key per call: {{ form_key() }} in a form
        "user": None,
        "contact": None,
        "incidents": [],  # the portal's incident banner (below)
        "notice": notice,
        # hits at least this likely to be right are "likely", the rest "weak" (_confidence.html)
        "strong_confidence": _strong_confidence(request),
        **(context or {}),
        "language": language,
        "t": partial(customer_text, language),
    }
    contact = values["contact"]
    # Every full page a signed-in customer sees (the portal's, and the shared password page)
    # carries the banner of the open incidents that affect their organisation; fragments
    # ("_*.html") do not.
    if isinstance(contact, Contact) and not Path(template).name.startswith("_"):
        values["incidents"] = incidents_for_customer(request.app.state.desk, contact)
    html = ENV.get_template(template).render(values)
    return HTMLResponse(html, status_code=status)


def _strong_confidence(request: Request) -> float:
    application = getattr(request.app.state, "tierdesk", None)
    if application is None:
        return DEFAULT_STRONG_CONFIDENCE
    return float(application.settings.search.strong_confidence)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# How many notices a session keeps between a redirect and the page it leads to (several tabs).
_NOTICES_KEPT = 5
_NOTICES = "notices"


def _said_notice(request: Request, notice: str) -> str:
    """A workspace page's ``?notice=`` text, shown only when this session's own redirect
    (:func:`go`) said it and only once: a crafted link ("/admin?notice=Your password expired,
    call …") must not make the desk say anything to an agent, while the notice texts stay free
    (they name agents, counts, tickets). The session cookie is signed, so nobody else can add
    to the list."""
    session: dict[str, Any] = request.session
    said = session.get(_NOTICES)
    if not isinstance(said, list) or notice not in said:
        return ""
    said.remove(notice)
    session[_NOTICES] = said
    return notice


def go(request: Request, url: str) -> Response:
    """After a POST: a redirect (303) for plain forms, HX-Redirect for HTMX requests. A
    ``notice`` the URL carries is remembered in the session, which is what lets the page it
    leads to show it (:func:`_said_notice`)."""
    notice = parse_qs(urlsplit(url).query).get("notice")
    if notice and "session" in request.scope:
        session: dict[str, Any] = request.session
        kept = session.get(_NOTICES)
        kept = kept if isinstance(kept, list) else []
        session[_NOTICES] = [*kept, notice[0]][-_NOTICES_KEPT:]
    if is_htmx(request):
        # A header holds Latin-1 only: text beyond it in the URL (a component "Media – Łódź",
        # an agent's name) is percent-encoded as RedirectResponse does for Location, or the
        # answer to a change already stored would be a 500.
        headers = {"HX-Redirect": quote(url, safe=_URL_SAFE)}
        if _only_the_fragment_moves(request, headers["HX-Redirect"]):
            # htmx sets the location to it, which only scrolls when just the #fragment differs
            # from the page's own address (time logged twice in a row: the second entry was
            # stored, the page stayed as it was). HX-Refresh makes htmx reload it after that.
            headers["HX-Refresh"] = "true"
        return Response(status_code=204, headers=headers)
    return RedirectResponse(url, status_code=303)


def _only_the_fragment_moves(request: Request, url: str) -> bool:
    target = urlsplit(url)
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return bool(target.fragment) and (
        unquote(target.path) == unquote(current.path)
        and sorted(parse_qsl(target.query)) == sorted(parse_qsl(current.query))
    )


# What RedirectResponse leaves as it is in a URL: its separators and existing %-escapes.
_URL_SAFE = ":/%#?=@[]!$&'()*+,;"
