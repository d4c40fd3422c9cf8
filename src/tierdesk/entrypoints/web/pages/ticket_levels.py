"""What the level a ticket sits at decides about it, on the ticket page: hand it back down with
guidance, ask the customer for what is missing (a checklist; the ticket then waits on them),
or say a lower level could have solved it. The API's `de-escalate`, `more-information` and
`escalation/solvable-lower`, through the same services."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.people import Tier
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.pages.rendering import go
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.services import l3_outcomes, tickets

router = APIRouter(include_in_schema=False, dependencies=[Csrf])


def _back(reference: str, notice: str) -> str:
    return f"/tickets/{reference}?notice={notice.replace(' ', '+')}"


@router.post("/tickets/{reference}/hand-back")
def hand_back(
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
    return go(request, _back(reference, f"Handed back to {ticket.tier.label}"))


@router.post("/tickets/{reference}/more-information")
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
    l3_outcomes.request_more_information(desk, agent, reference, wanted, note.strip() or None)
    return go(request, _back(reference, "Checklist sent: the ticket waits on the customer"))


@router.post("/tickets/{reference}/solvable-lower")
def solvable_lower(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    reason: Annotated[str, Form()],
) -> Response:
    l3_outcomes.mark_solvable_lower(desk, agent, reference, reason)
    return go(request, _back(reference, "Noted: a lower level could have solved it"))
