"""Security headers on every answer the desk gives: pages, the API, /docs and /static alike.

Defence in depth behind autoescaping and the API's JSON: only our own scripts run on a page,
nothing frames the desk, browsers never guess a content type, and nothing answered to a person
is kept in a cache (Back after a post must not show a stale page). A header a route set itself
wins: attachment downloads keep their stricter ``sandbox`` policy."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
# JSON and files are never documents that run anything.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000"  # a year; no includeSubDomains, the operator's other hosts are theirs
_EVERY_ANSWER = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # for browsers that ignore frame-ancestors
}


class SecurityHeaders:
    """Pure ASGI (unlike ``@app.middleware``, it sees mounted apps such as /static and does not
    buffer responses). Static files may be cached; every other answer is ``no-store``."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.every_answer = dict(_EVERY_ANSWER)
        if hsts:
            self.every_answer["Strict-Transport-Security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.every_answer.items():
                    headers.setdefault(name, value)
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", PAGE_CSP if html else DATA_CSP)
                if not static:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
