"""/api/v1: a ticket's automatic answer (issue 17) — read it, send a drafted one (agents), and
say whether it solved the problem (the ticket's customer)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict

from tierdesk.entrypoints.web.api.tickets import TicketRef, detail
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.schemas import Request, TicketDetail
from tierdesk.services import answer_outcomes, answers

router = APIRouter(tags=["answers"])


class AnswerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    queue: str
    policy: str
    language: str
    source_kind: str
    source_key: str
    citation: str
    confidence: float
    text: str
    created_at: datetime
    sent_at: datetime | None
    sent_by_agent: bool
    outcome: str | None
    outcome_at: datetime | None


class Verdict(Request):
    solved: bool


@router.get(
    "/tickets/{ticket_ref}/answer",
    response_model=AnswerOut,
    responses={204: {"description": "The desk has not answered this ticket"}},
)
def get_answer(ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor) -> AnswerOut | Response:
    """The answer the desk suggested, drafted or sent, with its source and confidence (agents)."""
    attempt = answers.answer_of(desk, actor, ticket_ref)
    if attempt is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return AnswerOut.model_validate(attempt)


@router.post("/tickets/{ticket_ref}/answer/send", response_model=AnswerOut)
def send_answer(ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor) -> AnswerOut:
    """Send the suggested or drafted answer as it stands, as the agent's public reply."""
    return AnswerOut.model_validate(answers.send_drafted_answer(desk, actor, ticket_ref))


@router.post("/tickets/{ticket_ref}/answer/verdict", response_model=TicketDetail)
def judge_answer(
    ticket_ref: TicketRef, body: Verdict, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """The customer: did the answer solve it? Yes solves the ticket (verified); no hands it to
    a person at L1."""
    ticket = answer_outcomes.judge_answer(desk, actor, ticket_ref, body.solved)
    return detail(desk, actor, ticket)
