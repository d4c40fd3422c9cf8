"""Running the MCP server over stdio (one assistant, started by it) or streamable HTTP (many
assistants, each sending its own token)."""

from __future__ import annotations

import anyio
import uvicorn
from mcp.server.transport_security import TransportSecuritySettings

from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.mcp.server import build_server, stdio_token_from_environment
from tierdesk.entrypoints.web.hosts import allowed_host_names, public_base_url, served_url

HTTP_PATH = "/mcp"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def web_base_url(app: Tierdesk) -> str:
    """Where the tools' links lead: the desk's web application (``public_url``; without it,
    ``tierdesk serve``'s default address)."""
    return public_base_url(app.settings, served_url("127.0.0.1", 8000))


def serve_stdio(app: Tierdesk) -> None:
    server = build_server(app.desk, web_base_url(app), stdio_token_from_environment())
    anyio.run(server.run_stdio_async)


def _host_check(app: Tierdesk, host: str) -> TransportSecuritySettings | None:
    """On loopback the SDK's own DNS-rebinding check (loopback names only); elsewhere the
    names the web application answers to (``public_url``, ``allowed_hosts``)."""
    if host in _LOOPBACK:
        return None
    names = allowed_host_names(app.settings, web_base_url(app))
    return TransportSecuritySettings(
        allowed_hosts=[*names, *(f"{name}:*" for name in names)],
        allowed_origins=[
            f"{scheme}://{n}{port}"
            for n in names
            for scheme in ("http", "https")
            for port in ("", ":*")
        ],
    )


def http_server(app: Tierdesk, host: str, port: int) -> uvicorn.Server:
    """Streamable HTTP at ``/mcp``, stateless: every call brings its token, and any of
    several processes behind a load balancer may answer it."""
    server = build_server(app.desk, web_base_url(app), stdio_token=None)
    asgi = server.streamable_http_app(
        streamable_http_path=HTTP_PATH,
        stateless_http=True,
        json_response=True,
        host=host,
        transport_security=_host_check(app, host),
    )
    config = uvicorn.Config(asgi, host=host, port=port, log_config=None, access_log=False)
    return uvicorn.Server(config)
