"""Hardware replacements in the workspace (issue 21 item 4): the ticket page's lazy "Hardware
replacement" panel (the ticket's RMAs with their next actions, and the request form) and the
agents' /rmas list. The same services as /api/v1/rmas (services/rmas.py); errors go back to the
form's fields through desk.js (pages/error_pages.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.messages import Channel
from tierdesk.domain.rmas import RmaKind, RmaState, format_money, offered_actions
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId, typed_record_id
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError, RepeatedRequestError
from tierdesk.services import rmas

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
WEB = Channel.WEB


def _back(reference: str, notice: str) -> str:
    return f"/tickets/{reference}?notice={notice.replace(' ', '+')}#rmas"


@router.get("/tickets/{reference}/rmas")
def rma_panel(request: Request, desk: DeskDep, agent: WebAgent, reference: str) -> Response:
    view = rmas.ticket_rmas(desk, agent, reference)
    context = {
        "user": agent,
        "view": view,
        "kinds": list(RmaKind),
        "actions": lambda rma: offered_actions(rma, agent),  # only what this agent can do
        "money": format_money,
        "currency": desk.rma_policy.currency,
        "limit": desk.rma_policy.lead_approval_above,
    }
    return render(request, "_rmas.html", context)


@router.post("/tickets/{reference}/rmas", dependencies=[Csrf])
def request_rma(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    items: Annotated[list[str] | None, Form()] = None,
    fault: Text = "",
    kind: Text = "",
    declared_value: Text = "",
    ship_to: Text = "",
    form_key: forms.FormKey = None,
) -> Response:
    ids = []
    for raw in items or []:
        item = typed_record_id(raw)
        if item is None:
            raise InvalidInputError(f"{raw[:40]!r} is not an installed item", field="items")
        ids.append(item)
    try:
        chosen = RmaKind(kind)
    except ValueError:
        raise InvalidInputError("choose advance replacement or repair", field="kind") from None
    new = rmas.RmaRequest(ids, fault, chosen, declared_value or None, ship_to or None)
    try:
        made = rmas.request_rmas(desk, agent, reference, new, channel=WEB, idempotency_key=form_key)
    except RepeatedRequestError:  # a double click: the first post requested them
        return go(request, _back(reference, "RMA requested"))
    return go(request, _back(reference, f"{len(made)} RMA requested"))


@router.post("/rmas/{rma_id}/{action}", dependencies=[Csrf])
def move_rma(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    rma_id: RecordId,
    action: str,
    replacement_serial: Text = "",
    tracking: Text = "",
    reason: Text = "",
    back: Text = "",
) -> Response:
    if action == "approve":
        rma = rmas.approve_rma(desk, agent, rma_id, channel=WEB)
    elif action == "ship":
        rma = rmas.ship_rma(desk, agent, rma_id, replacement_serial, tracking, channel=WEB)
    elif action == "receive":
        rma = rmas.receive_rma(desk, agent, rma_id, channel=WEB)
    elif action == "close":
        rma = rmas.close_rma(desk, agent, rma_id, channel=WEB)
    elif action == "reject":
        rma = rmas.reject_rma(desk, agent, rma_id, reason, channel=WEB)
    elif action == "cancel":
        rma = rmas.cancel_rma(desk, agent, rma_id, reason, channel=WEB)
    else:
        raise InvalidInputError(f"no action {action!r}", field="action")
    notice = f"{rma.reference} {rma.state}" + (" (awaits a lead)" if rma.awaiting == "lead" else "")
    if back == "list":
        return go(request, f"/rmas?notice={notice.replace(' ', '+')}")
    _, ticket = rmas.get_rma(desk, agent, rma_id)
    return go(request, _back(ticket.number or str(ticket.id), notice))


@router.get("/rmas")
def rma_list(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    state: str = "",
    before: RecordId | None = None,
) -> Response:
    try:
        chosen = RmaState(state) if state else None
    except ValueError:
        raise InvalidInputError(f"no state {state!r}", field="state") from None
    page = rmas.list_rmas(desk, agent, state=chosen, limit=50, before_id=before)
    context = {
        "user": agent,
        "page": page,
        "state": state,
        "states": list(RmaState),
        "money": format_money,
        "more": page[-1][0].id if len(page) == 50 else None,
    }
    return render(request, "rmas.html", context)
