"""What an agent does on a ticket page: reply or note, take, solve, escalate, accept, bounce."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import LinkKind, Status
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import typed_record_id
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.live import collision_answer, presence_ttl
from tierdesk.entrypoints.web.pages.rendering import go
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError, RepeatedRequestError
from tierdesk.services import answers, escalation, macros, tickets
from tierdesk.services.conversation import add_message
from tierdesk.services.live import reply_collision

router = APIRouter(include_in_schema=False, dependencies=[Csrf])


def back_to_ticket(reference: str, notice: str) -> str:
    """The ticket's page with a notice, where a ticket page's form goes after it is done."""
    return f"/tickets/{reference}?notice={notice.replace(' ', '+')}"


@router.post("/tickets/{reference}/messages")
async def post_message(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    body: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "public",
    then: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
    form_key: forms.FormKey = None,
    seen_message_id: Annotated[int | None, Form()] = None,
    send_anyway: Annotated[str, Form()] = "",
    macro_id: Annotated[str, Form()] = "",
) -> Response:
    message_kind = MessageKind.INTERNAL_NOTE if kind == "internal" else MessageKind.PUBLIC_REPLY
    # Read before anything is written: an unknown status once failed (500) after the message
    # was already added, so the agent saw an error for a reply that had gone out.
    if then and then not in {str(s) for s in Status}:
        raise InvalidInputError(f"unknown status {then!r}", field="then")
    uploads = await forms.attachments(files or [], desk.max_attachment_bytes)
    if message_kind is MessageKind.PUBLIC_REPLY and seen_message_id is not None and not send_anyway:
        # The page said which messages it showed: a reply that would cross another (written
        # since, or being typed by a colleague now) is held back with a warning instead.
        collision = await run_in_threadpool(
            reply_collision, desk, agent, reference, seen_message_id, presence_ttl(request)
        )
        if collision:
            return collision_answer(request, reference, collision)

    def post() -> None:  # on a worker thread: the use cases must not hold the event loop
        try:
            add_message(
                desk,
                agent,
                reference,
                message_kind,
                text=body,
                channel=Channel.WEB,
                attachments=uploads,
                idempotency_key=form_key,
            )
        except RepeatedRequestError:
            return  # sent before (Back, then Send again): answered as the first time
        changed = None
        macro = typed_record_id(macro_id)
        if macro is not None:  # the macro's field changes go with its text
            changed = macros.apply_macro(desk, agent, reference, macro)
        if then and (changed is None or changed.status != then):
            tickets.change_status(desk, agent, reference, Status(then))

    await run_in_threadpool(post)
    what = "Internal note added" if message_kind is MessageKind.INTERNAL_NOTE else "Reply sent"
    return go(request, back_to_ticket(reference, what))


@router.post("/tickets/{reference}/answer/send")
def send_answer(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    """Send the answer the answerer suggested or drafted, as it stands (issue 17)."""
    answers.send_drafted_answer(desk, agent, reference)
    return go(request, back_to_ticket(reference, "Answer sent"))


@router.post("/tickets/{reference}/links")
def link(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    target: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "duplicate-of",
) -> Response:
    """Link a duplicate candidate the assist panel offered (or any ticket the agent names)."""
    try:
        link_kind = LinkKind(kind)
    except ValueError as exc:
        raise InvalidInputError("link as duplicate-of or related", field="kind") from exc
    if link_kind is LinkKind.MERGED_INTO:
        raise InvalidInputError("merge with the Merge form of the Details panel", field="kind")
    tickets.link_tickets(desk, agent, reference, target.strip(), link_kind)
    return go(request, back_to_ticket(reference, f"Linked as {link_kind} {target.strip()}"))


@router.post("/tickets/{reference}/take")
def take(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    tickets.assign_ticket(desk, agent, reference, agent.id)
    return go(request, back_to_ticket(reference, "Assigned to you"))


@router.post("/tickets/{reference}/solve")
def solve(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    resolution: Annotated[str, Form()],
    # Left empty: nothing for the customer (the dialog says so). A None default would take an
    # emptied field for a missing one, which the service answers with the thread's draft.
    public_answer: Annotated[str, Form()] = "",
    form_key: forms.FormKey = None,
) -> Response:
    with suppress(RepeatedRequestError):  # solved by this very form before: the same answer
        tickets.solve_ticket(
            desk, agent, reference, resolution, public_answer, idempotency_key=form_key
        )
    return go(request, back_to_ticket(reference, "Solved"))


@router.post("/tickets/{reference}/escalate")
def escalate(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    to_level: Annotated[str, Form()],
    reason: Annotated[str, Form()],
    content: forms.PacketForm,
) -> Response:
    if not reason.strip():
        raise InvalidInputError("say why the ticket needs the next level", field="reason")
    ticket, _packet = escalation.escalate_ticket(
        desk, agent, reference, Tier.parse(to_level), reason, content
    )
    return go(request, back_to_ticket(reference, f"Escalated to {ticket.tier.label}"))


@router.post("/tickets/{reference}/accept")
def accept(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    escalation.accept_escalation(desk, agent, reference)
    return go(request, back_to_ticket(reference, "Escalation accepted: the ticket is yours"))


@router.post("/tickets/{reference}/bounce")
def bounce(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    guidance: Annotated[str, Form()],
    reason: Annotated[str, Form()],
) -> Response:
    ticket = escalation.bounce_escalation(desk, agent, reference, guidance, reason)
    return go(request, back_to_ticket(reference, f"Bounced back to {ticket.tier.label}"))
