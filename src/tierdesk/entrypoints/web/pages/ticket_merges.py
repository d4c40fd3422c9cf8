"""Merge and split from the ticket page, through the API's use cases (``tickets.
merge_tickets``, ``ticket_splits.split_ticket``): both tickets pass the agent's door
(``access_ticket``), and tickets of different organisations are never merged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import go
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError
from tierdesk.services import tickets
from tierdesk.services.ticket_splits import split_ticket

router = APIRouter(include_in_schema=False, dependencies=[Csrf])


@router.post("/tickets/{reference}/merge")
def merge(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    into: Annotated[str, Form()] = "",
    merge_reason: Annotated[str, Form()] = "",
) -> Response:
    if not into.strip():
        raise InvalidInputError("name the ticket to merge into (TD-1042)", field="into")
    target = tickets.merge_tickets(desk, agent, reference, into.strip(), merge_reason or None)
    return go(request, f"/tickets/{target.number}?notice=Merged+{reference}+into+this+ticket")


@router.post("/tickets/{reference}/split")
def split(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    message_id: Annotated[str, Form()] = "",
    split_subject: Annotated[str, Form()] = "",
) -> Response:
    if not (message_id.isascii() and message_id.isdigit()):
        raise InvalidInputError("choose the message that becomes a ticket", field="message_id")
    try:
        new = split_ticket(desk, agent, reference, int(message_id), split_subject)
    except InvalidInputError as error:
        if error.data.get("field") == "subject":  # the form's own name for it
            raise InvalidInputError(error.message, field="split_subject") from error
        raise
    return go(request, f"/tickets/{new.number}?notice=Split+from+{reference}")
