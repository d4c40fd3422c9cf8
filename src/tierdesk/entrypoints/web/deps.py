"""What route handlers declare they need: the desk and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tierdesk.domain.people import Agent, Contact
from tierdesk.errors import UnauthenticatedError
from tierdesk.services.auth import authenticate_token
from tierdesk.services.desk import Desk

_bearer = HTTPBearer(auto_error=False, description="An API token from `tierdesk token create`")


def get_desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


DeskDep = Annotated[Desk, Depends(get_desk)]


def client_host(request: Request) -> str | None:
    """The client's network address, which the sign-in limits count failures against."""
    return request.client.host if request.client is not None else None


def get_actor(
    request: Request,
    desk: DeskDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Agent | Contact:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise UnauthenticatedError("send an API token as 'Authorization: Bearer <token>'")
    return authenticate_token(desk, credentials.credentials, client_host(request))


CurrentActor = Annotated[Agent | Contact, Depends(get_actor)]
