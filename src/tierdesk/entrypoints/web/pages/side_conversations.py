"""Side conversations on the ticket page: the aside's panel (loaded lazily) lists them and
starts one; a side conversation's own page shows its thread, takes a reply, closes or reopens
it, and turns a summary of it into a public reply the agent edits and posts."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.side_conversations import SideChannel
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError, RepeatedRequestError
from tierdesk.services import side_conversations as sides
from tierdesk.services import tickets

router = APIRouter(include_in_schema=False)


@router.get("/tickets/{reference}/side-conversations")
def side_conversations_panel(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str
) -> Response:
    listed = sides.list_side_conversations(desk, agent, reference)
    ticket = tickets.get_ticket(desk, agent, reference)
    context = {
        "user": agent,
        "reference": ticket.number,
        "sides": listed,
        "participants": sides.participants_of(desk, listed),
        "colleagues": sides.colleagues_for(desk, agent, reference),
        "messages": ticket.messages,
    }
    return render(request, "_side_conversations.html", context)


def _ids(values: list[str], field: str) -> list[int]:
    try:
        return [int(v) for v in values if v.strip()]
    except ValueError:
        raise InvalidInputError("choose from the list", field=field) from None


@router.post("/tickets/{reference}/side-conversations", dependencies=[Csrf])
def start_side_conversation(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    subject: Annotated[str, Form()] = "",
    message: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "email",
    to: Annotated[str, Form()] = "",
    agents: Annotated[list[str] | None, Form()] = None,
    include: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        kind = SideChannel(channel)
    except ValueError:
        raise InvalidInputError("e-mail or a colleague", field="channel") from None
    new = sides.NewSideConversation(
        subject=subject,
        message=message,
        channel=kind,
        to=[to] if kind is SideChannel.EMAIL else [],
        agent_ids=_ids(agents or [], "agents") if kind is SideChannel.INTERNAL else [],
        include_message_ids=_ids(include or [], "include"),
    )
    side = sides.start_side_conversation(desk, agent, reference, new)
    return go(request, f"/tickets/{reference}/side-conversations/{side.id}?notice=Started")


@router.get("/tickets/{reference}/side-conversations/{side_id}")
def side_conversation_page(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, side_id: RecordId
) -> Response:
    thread = sides.side_thread(desk, agent, reference, side_id)
    context = {"user": agent, "reference": reference, "thread": thread}
    return render(request, "side_conversation.html", context)


@router.post("/tickets/{reference}/side-conversations/{side_id}/messages", dependencies=[Csrf])
def reply_in_side_conversation(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    side_id: RecordId,
    message: Annotated[str, Form()] = "",
    form_key: forms.FormKey = None,
) -> Response:
    # Back after sending puts the text back in the box: Send again must not mail it twice.
    with suppress(RepeatedRequestError):  # sent by this very form before: the same answer
        sides.reply_in_side_conversation(
            desk, agent, reference, side_id, message, idempotency_key=form_key
        )
    return go(request, f"/tickets/{reference}/side-conversations/{side_id}?notice=Sent")


@router.post("/tickets/{reference}/side-conversations/{side_id}/close", dependencies=[Csrf])
def close_side_conversation(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, side_id: RecordId
) -> Response:
    sides.close_side_conversation(desk, agent, reference, side_id)
    return go(request, f"/tickets/{reference}/side-conversations/{side_id}?notice=Closed")


@router.post("/tickets/{reference}/side-conversations/{side_id}/reopen", dependencies=[Csrf])
def reopen_side_conversation(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, side_id: RecordId
) -> Response:
    sides.close_side_conversation(desk, agent, reference, side_id, reopen=True)
    return go(request, f"/tickets/{reference}/side-conversations/{side_id}?notice=Reopened")


@router.get("/tickets/{reference}/side-conversations/{side_id}/public-reply")
def public_reply_form(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, side_id: RecordId
) -> Response:
    """The summary as a draft in a form: nothing reaches the customer until the agent posts."""
    thread = sides.side_thread(desk, agent, reference, side_id)
    draft = sides.draft_public_reply(desk, agent, reference, side_id)
    context = {"user": agent, "reference": reference, "thread": thread, "draft": draft}
    return render(request, "side_conversation_reply.html", context)


@router.post("/tickets/{reference}/side-conversations/{side_id}/public-reply", dependencies=[Csrf])
def post_public_reply(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    side_id: RecordId,
    body: Annotated[str, Form()] = "",
    form_key: forms.FormKey = None,
) -> Response:
    # The reply is mailed to the customer: Back, then Post again must not mail it twice.
    with suppress(RepeatedRequestError):  # posted by this very form before: the same answer
        sides.post_public_reply(desk, agent, reference, side_id, body, idempotency_key=form_key)
    return go(request, f"/tickets/{reference}?notice=Public+reply+posted")
