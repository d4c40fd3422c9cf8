"""A request body larger than ``max_request_bytes`` is refused with 413 as it arrives.

Without a limit a 50 MB JSON body was read into memory and parsed in full before its fields'
own limits refused it, in every request thread of every web process at once: a few clients
could fill the machine's memory. FastAPI's own ``max_body_size`` answers a plain-text 413
outside the desk's error shapes, so the limit is here: whoever reads the body (the route's
parsing, the CSRF check's form, a dependency) is refused with an ``HTTPException(413)`` at
its first read when the declared length is too large, or at the chunk that passes the limit,
and the app's handlers answer it like any other error (the API's envelope under /api, the
error page elsewhere; read outside the routes, ``errors.UnexpectedErrors`` answers it the same
way). A route that reads no body is not refused. A reverse proxy's limit
(nginx ``client_max_body_size``) may sit in front; the desk does not rely on one."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestTooLargeError(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request is larger than this desk accepts ({limit:,} bytes)")


class BodyLimit:
    """Pure ASGI: counts the body as the app reads it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_large = declared.isdigit() and int(declared) > self.limit
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            if too_large:
                raise RequestTooLargeError(self.limit)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise RequestTooLargeError(self.limit)
            return message

        await self.app(scope, counted, send)
