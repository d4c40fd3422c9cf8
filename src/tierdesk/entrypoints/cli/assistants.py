"""``tierdesk mcp``: the MCP server for AI assistants (``entrypoints/mcp``)."""

from __future__ import annotations

import os
from contextlib import suppress
from enum import StrEnum
from typing import Annotated

import typer

from tierdesk.entrypoints.cli.wiring import note, running_desk
from tierdesk.entrypoints.logs import configure_logging
from tierdesk.errors import ConfigurationError


class Transport(StrEnum):
    STDIO = "stdio"
    HTTP = "http"


def mcp(
    transport: Annotated[
        Transport,
        typer.Option(help="stdio: one assistant starts this command; http: a server at /mcp."),
    ] = Transport.STDIO,
    host: Annotated[str, typer.Option(help="Interface to listen on (http).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (http).", min=1, max=65535)] = 8001,
) -> None:
    """Serve search, similar tickets, ticket reading and reply drafts to AI assistants over
    the Model Context Protocol, as the owner of an API token: over stdio the token in
    TIERDESK_MCP_TOKEN, over HTTP each request's 'Authorization: Bearer' header."""
    try:
        from tierdesk.entrypoints.mcp import running
    except ModuleNotFoundError as missing:
        if missing.name is None or missing.name.split(".")[0] != "mcp":
            raise
        raise ConfigurationError(
            "the MCP server needs the MCP SDK: pip install 'tierdesk[mcp]'"
        ) from None
    with running_desk() as app:
        # standard output is the protocol's over stdio: every log line goes to standard error
        configure_logging(app.settings.log_format, app.settings.log_level)
        if transport is Transport.STDIO:
            running.serve_stdio(app)
            return
        note(f"tierdesk MCP server on http://{host}:{port}{running.HTTP_PATH}")
        if os.environ.get("TIERDESK_MCP_TOKEN"):
            note("TIERDESK_MCP_TOKEN is ignored over HTTP: each call sends its own token")
        server = running.http_server(app, host, port)
        with suppress(KeyboardInterrupt):
            server.run()
        if not server.started:
            raise typer.Exit(3)
