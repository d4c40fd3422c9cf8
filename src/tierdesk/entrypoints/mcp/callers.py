"""Who is calling a tool: the owner of the API token that came with the call.

Over HTTP the token is the request's ``Authorization: Bearer`` header, read on every call, like
the REST API (``entrypoints/web/deps.py``); the server's own environment is never consulted
there, so one caller's missing header can never borrow anyone's token. Over stdio there is
one caller, the process that started the server, and its token is ``TIERDESK_MCP_TOKEN``. The
token is checked on every call, so a revoked token or a deactivated owner stops working at
once, mid-session."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from tierdesk.domain.people import Agent, Contact
from tierdesk.errors import UnauthenticatedError
from tierdesk.services.auth import authenticate_token
from tierdesk.services.desk import Desk

TOKEN_VARIABLE = "TIERDESK_MCP_TOKEN"  # noqa: S105 - the variable's name, not a token


def http_request_of(request_context: Any) -> Request | None:
    """The HTTP request a tool call came in, None over stdio."""
    request = getattr(request_context, "request", None)
    return request if isinstance(request, Request) else None


def caller_of(desk: Desk, request: Request | None, stdio_token: str | None) -> Agent | Contact:
    if request is not None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise UnauthenticatedError("send an API token as 'Authorization: Bearer <token>'")
        client = request.client.host if request.client is not None else None
        return authenticate_token(desk, token.strip(), client)
    if not stdio_token:
        raise UnauthenticatedError(
            f"set {TOKEN_VARIABLE} to an API token (`tierdesk token create`)"
        )
    return authenticate_token(desk, stdio_token)
