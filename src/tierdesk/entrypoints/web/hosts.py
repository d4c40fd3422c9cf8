"""Where the desk lives: the public base URL every link that leaves the desk is built from, and
the host names it answers to.

A request's Host header is whatever its sender wrote, so it never goes into a link: a sign-in
link built from it would be e-mailed to the customer pointing wherever an attacker said, and
whoever holds the token signs in as them. Links come from ``settings.public_url`` (required in
prod) or, in dev and test, from where ``tierdesk serve`` listens. Requests naming another host
are refused before anything runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import Headers
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tierdesk.config import Settings
from tierdesk.entrypoints.web.errors import error_response

DEFAULT_SERVED_AT = "http://127.0.0.1:8000"  # `tierdesk serve` with its default --host/--port
# Dev and test also answer on this machine's own names; "testserver" is TestClient's host.
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "testserver")
_WRONG_HOST = "This desk does not answer to that host name."
_WRONG_HOST_PAGE = (
    "<!DOCTYPE html><html><head><title>Bad request</title></head>"
    f"<body><h1>Bad request</h1><p>{_WRONG_HOST}</p></body></html>"
)


def served_url(host: str, port: int) -> str:
    """Where ``tierdesk serve --host --port`` is reached from this machine."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - every interface: reached on loopback here
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def public_base_url(settings: Settings, served_at: str) -> str:
    return settings.public_url or served_at


def allowed_host_names(settings: Settings, public_url: str) -> list[str]:
    """public_url's host, the configured extra names and, outside prod, this machine's names."""
    names = [urlsplit(public_url).hostname or "", *settings.allowed_hosts]
    if settings.env != "prod":
        names += _LOCAL_HOSTS
    return list(dict.fromkeys(name.lower() for name in names if name))


def public_link(request: Request, route: str, **params: Any) -> str:
    """The absolute URL of one of our routes, under the public base URL (never the Host)."""
    path = request.app.url_path_for(route, **params)
    return str(path.make_absolute_url(request.app.state.public_url))


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        end = header.find("]")
        return header[1:end] if end > 0 else ""
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    return header.rstrip(".")


def _matches(name: str, pattern: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return name.endswith(pattern[1:])
    return name == pattern


class HostCheck:
    """Pure ASGI: a request whose Host names none of the allowed hosts gets a 400 (the API's
    error shape under /api, a short page elsewhere) and reaches nothing else."""

    def __init__(self, app: ASGIApp, hosts: Sequence[str]) -> None:
        self.app = app
        self.hosts = [host.lower() for host in hosts]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Only HTTP: the desk has no websockets, and lifespan has no Host.
        if scope["type"] != "http" or self._allowed(Headers(scope=scope).get("host", "")):
            await self.app(scope, receive, send)
            return
        response: Response
        if scope["path"].startswith("/api/"):
            response = error_response(400, "invalid_host", _WRONG_HOST)
        else:
            response = HTMLResponse(_WRONG_HOST_PAGE, status_code=400)
        await response(scope, receive, send)

    def _allowed(self, header: str) -> bool:
        name = _host_name(header)
        return bool(name) and any(_matches(name, pattern) for pattern in self.hosts)
