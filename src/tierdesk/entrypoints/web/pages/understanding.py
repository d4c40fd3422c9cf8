"""What the desk read from a ticket, on the ticket page: the facts (with where they were said),
the triage suggestion per field with its confidence (accept or correct in one click; a
correction is a training label), clarifying questions to send; and the outage proposals."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.incidents import IncidentSeverity
from tierdesk.domain.outages import OutageProposal, ProposalStatus
from tierdesk.domain.tickets import format_ticket_number
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.services import enrichment, outages, triage
from tierdesk.services.desk import Desk

router = APIRouter(include_in_schema=False)


@router.get("/tickets/{reference}/understanding")
def understanding_panel(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str
) -> Response:
    context = {
        "user": agent,
        "reference": reference,
        "facts": enrichment.ticket_fact_summary(desk, agent, reference),
        "suggestions": triage.triage_suggestions(desk, agent, reference),
        "choices": {str(f): c for f, c in triage.triage_choices(desk, agent, reference).items()},
        "questions": enrichment.clarifying_questions(desk, agent, reference),
    }
    return render(request, "_understanding.html", context)


@router.post("/tickets/{reference}/triage/{field}", dependencies=[Csrf])
def decide_triage(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    reference: str,
    field: str,
    value: Annotated[str, Form()] = "",
) -> Response:
    """Accept (no value, or the suggested one) or correct (another value) a suggestion."""
    decided = triage.decide_suggestion(desk, agent, reference, field, value.strip() or None)
    what = "Accepted" if decided.outcome == "accepted" else "Corrected"
    value = decided.final_value or ""
    # by its name, as the panel shows it ("L1 Kestrel DeskPhone (L1)", not "l1-deskphone")
    named = dict(triage.triage_choices(desk, agent, reference)[decided.field]).get(value, value)
    # the value is the agent's (a component "A & B"): encoded, so the notice arrives whole
    notice = urlencode({"notice": f"{what} {field}: {named}"})
    return go(request, f"/tickets/{reference}?{notice}")


@router.post("/tickets/{reference}/questions/{question_id}/send", dependencies=[Csrf])
def send_question(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, question_id: RecordId
) -> Response:
    enrichment.send_clarifying_question(desk, agent, reference, question_id)
    return go(
        request, f"/tickets/{reference}?notice=Question+sent;+the+ticket+waits+on+the+customer"
    )


@router.get("/outages")
def outage_proposals(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    proposals = outages.list_proposals(desk, agent, None)
    context = {"user": agent, "proposals": proposals, "numbers": proposal_numbers(desk, proposals)}
    return render(request, "outages.html", context)


def proposal_numbers(desk: Desk, proposals: list[OutageProposal]) -> dict[int | None, list[str]]:
    """Each proposal's tickets as the numbers the pages link to."""
    return {
        p.id: [format_ticket_number(desk.ticket_prefix, t) for t in p.ticket_ids] for p in proposals
    }


@router.post("/outages/{proposal_id}/declare", dependencies=[Csrf])
def declare_from_proposal(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    proposal_id: RecordId,
    severity: Annotated[str, Form()] = "sev2",
) -> Response:
    """Declare the incident the proposal describes, with its tickets linked, and record it:
    one action (the outage page and the leads' dashboard both post here)."""
    chosen = IncidentSeverity(severity) if severity in set(IncidentSeverity) else None
    _, incident = outages.declare_from_proposal(
        desk, agent, proposal_id, chosen or IncidentSeverity.SEV2
    )
    return go(request, f"/incidents/{incident.id}?notice=Incident+declared+from+the+proposal")


@router.post("/outages/{proposal_id}/dismiss", dependencies=[Csrf])
def dismiss_proposal(
    request: Request, desk: DeskDep, agent: WebAgent, proposal_id: RecordId
) -> Response:
    outages.decide_proposal(desk, agent, proposal_id, ProposalStatus.DISMISSED)
    return go(request, "/outages?notice=Proposal+dismissed")
