"""Every request: an id, a log line and its metrics.

The id is the caller's ``X-Request-ID`` when it is a sane one (a proxy's or a load balancer's,
so one request can be followed through both logs), otherwise a new one; it is on every log line
written while the request runs and on the answer's ``X-Request-ID``. The log line and the
metrics name the route's template (``/api/v1/tickets/{ticket_id}``), never the raw path: paths
hold ids without bound (the metrics' label values would grow for ever) and secrets (a sign-in
link's token)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import Token

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tierdesk.entrypoints.web.metrics import observe_request
from tierdesk.services import log_context

log = logging.getLogger("tierdesk.access")

REQUEST_ID_HEADER = "X-Request-ID"
SCOPE_KEY = "tierdesk.request_id"  # where the error answers (errors.py) find the id
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def request_id_of(scope: Scope) -> str:
    """The caller's id when it is sane, else a new one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _SANE_ID.fullmatch(candidate):
                return candidate
    return uuid.uuid4().hex


_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def route_template(scope: Scope) -> str:
    """The matched route's path template, its router's prefix included
    (``/api/v1/tickets/{ticket_ref}``); ``unmatched`` when no route matched (a 404).

    The route in the scope knows its path below the router it was included in; the prefix is
    what the raw path has in front of that path filled in with the request's parameters."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(template, str) or not template:
        return "unmatched"
    params = scope.get("path_params", {})
    filled = _PARAM.sub(lambda m: str(params.get(m.group(1), m.group(0))), template)
    path: str = scope.get("path", "")
    if filled and path.endswith(filled):
        return path[: len(path) - len(filled)] + template
    return template


# A context variable, not a use case: setting it never blocks. Through these two the event-loop
# check (tests/web/test_event_loop.py), which counts every call on a services name, sees that.
def _bind_request_id(request_id: str) -> Token[str | None]:
    return log_context.request_id.set(request_id)


def _unbind_request_id(token: Token[str | None]) -> None:
    log_context.request_id.reset(token)


class RequestContext:
    """Pure ASGI, the outermost of our middleware, so that its timing and its id cover the
    others (the host check, sessions, the error answers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope[SCOPE_KEY] = request_id
        token = _bind_request_id(request_id)
        started = time.perf_counter()
        status = 500  # what it was if the app raises before it answers

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            method, route = scope["method"], route_template(scope)
            observe_request(method, route, status, seconds)
            client = scope.get("client")
            address = client[0] if client else "-"
            log.info("%s %s %s %s %.1f ms", address, method, route, status, seconds * 1000)
            _unbind_request_id(token)
