"""What the level a ticket sits at decides about it, on the ticket page: hand it back down with
guidance, ask the customer for what is missing (a checklist; the ticket then waits on them),
or say a lower level could have solved it; and, while a hand-off waits, amend its packet. The
API's `de-escalate`, `more-information`, `escalation/solvable-lower` and `PUT packets/{n}`,
through the same services."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Tier
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.entrypoints.web.pages.ticket_actions import back_to_ticket
from tierdesk.errors import NotFoundError
from tierdesk.services import escalation, l3_outcomes, levels, tickets

router = APIRouter(include_in_schema=False)


@router.post("/tickets/{reference}/hand-back", dependencies=[Csrf])
def handback_to_ticket(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    to_level: Annotated[str, Form()],
    reason: Annotated[str, Form()],
    guidance: Annotated[str, Form()],
) -> Response:
    ticket = tickets.de_escalate_ticket(
        desk, agent, reference, Tier.parse(to_level), reason, guidance
    )
    return go(request, back_to_ticket(reference, f"Handed back to {ticket.tier.label}"))


@router.post("/tickets/{reference}/more-information", dependencies=[Csrf])
def more_information(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    items: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    # One item a line, as the dialog asks; blank lines are no items.
    wanted = [line.strip() for line in items.splitlines() if line.strip()]
    l3_outcomes.request_more_information(
        desk, agent, reference, wanted, note.strip() or None, channel=Channel.WEB
    )
    return go(
        request, back_to_ticket(reference, "Checklist sent: the ticket waits on the customer")
    )


@router.post("/tickets/{reference}/solvable-lower", dependencies=[Csrf])
def solvable_lower(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    reason: Annotated[str, Form()],
) -> Response:
    l3_outcomes.mark_solvable_lower(desk, agent, reference, reason)
    return go(request, back_to_ticket(reference, "Noted: a lower level could have solved it"))


@router.get("/tickets/{reference}/packets/{sequence}/amend")
def amend_form(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, sequence: int
) -> Response:
    """The packet's latest revision in the escalate form's fields, to change and store anew."""
    ticket = tickets.get_ticket(desk, agent, reference)
    revisions = [
        p for p in escalation.list_packets(desk, agent, reference) if p.sequence == sequence
    ]
    if not revisions:
        raise NotFoundError(f"ticket {ticket.number} has no packet {sequence}")
    latest = revisions[-1]
    needed = next(
        (
            v.level.required_packet_fields
            for v in levels.list_levels(desk, agent)
            if v.level.tier == latest.to_tier
        ),
        [],
    )
    context = {
        "user": agent,
        "ticket": ticket,
        "packet": latest,
        "packet_rows": forms.packet_rows(latest.content),
        "needed": needed,
    }
    return render(request, "_amend_packet.html", context)


@router.post("/tickets/{reference}/packets/{sequence}/amend", dependencies=[Csrf])
def amend(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    sequence: int,
    content: forms.PacketForm,
) -> Response:
    amended = escalation.amend_packet(desk, agent, reference, sequence, content)
    return go(
        request,
        back_to_ticket(reference, f"Packet {sequence} amended: revision {amended.revision}"),
    )
