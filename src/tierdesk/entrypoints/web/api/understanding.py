"""/api/v1: what the desk understood about a ticket (facts, clarifying questions, triage
suggestions, summaries, LLM drafts) and the outage proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from tierdesk.domain.clarify import ClarifyingQuestion
from tierdesk.domain.facts import Fact
from tierdesk.domain.incidents import IncidentSeverity
from tierdesk.domain.outages import OutageProposal, ProposalStatus
from tierdesk.domain.triage import FieldReport, TriagePrediction
from tierdesk.entrypoints.web.api.tickets import TicketRef
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.moments import Moment
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas_workflow import IncidentOut
from tierdesk.services import enrichment, incidents, outages, summaries, triage
from tierdesk.services.summaries import DraftTask

router = APIRouter(tags=["understanding"])


class FactOut(BaseModel):
    kind: str
    value: str
    message_id: int | None
    attachment_id: int | None
    start: int
    end: int
    internal: bool
    detail: dict[str, Any]

    @classmethod
    def of(cls, fact: Fact) -> FactOut:
        return cls(
            kind=str(fact.kind),
            value=fact.value,
            message_id=fact.message_id,
            attachment_id=fact.attachment_id,
            start=fact.start,
            end=fact.end,
            internal=fact.internal,
            detail=fact.detail,
        )


class QuestionOut(BaseModel):
    id: int | None
    missing: list[str]
    language: str
    text: str
    mode: str
    created_at: datetime
    sent_at: datetime | None
    message_id: int | None

    @classmethod
    def of(cls, q: ClarifyingQuestion) -> QuestionOut:
        return cls(
            id=q.id,
            missing=q.missing,
            language=q.language,
            text=q.text,
            mode=str(q.mode),
            created_at=q.created_at,
            sent_at=q.sent_at,
            message_id=q.message_id,
        )


class SuggestionOut(BaseModel):
    field: str
    suggested: str | None = Field(description="None: the model abstained (too unsure)")
    best: str
    confidence: float
    source: str
    alternatives: list[list[Any]]
    outcome: str | None
    final_value: str | None
    decided_by: str | None

    @classmethod
    def of(cls, p: TriagePrediction) -> SuggestionOut:
        return cls(
            field=str(p.field),
            suggested=p.suggested,
            best=p.best,
            confidence=p.confidence,
            source=p.source,
            alternatives=p.alternatives,
            outcome=str(p.outcome) if p.outcome else None,
            final_value=p.final_value,
            decided_by=p.decided_by,
        )


class DecisionIn(BaseModel):
    value: str | None = Field(
        default=None, max_length=200, description="Omit to accept; another value corrects it."
    )


class SummaryOut(BaseModel):
    sentences: list[str] = Field(
        description="What the customer said, in order, ending with their latest message's gist"
    )
    agent_sentences: list[str]
    facts: str
    log_findings: list[str]
    latest: str = Field(description="The customer's latest message in a sentence or two")
    latest_at: datetime | None


class DocumentIn(BaseModel):
    text: str = Field(min_length=1, max_length=2_000_000)
    max_sentences: int = Field(default=8, ge=1, le=50)


class DraftIn(BaseModel):
    task: Literal["summary", "translation", "reply"]
    language: str | None = Field(
        default=None,
        min_length=2,
        max_length=16,
        description="Left out: a reply in the customer's language, otherwise English",
    )


class ReportRow(BaseModel):
    field: str
    predictions: int
    abstained: int
    decided: int = Field(description="Predictions an agent accepted or corrected")
    accepted: int = Field(
        description="Decisions that kept the suggestion (or the hint of an abstention)"
    )
    corrected: int
    answered_decided: int = Field(description="Decided predictions the model did not abstain on")
    answered_accepted: int
    accuracy: float | None = Field(
        description="answered_accepted / answered_decided; None when nothing answered was decided"
    )
    abstain_rate: float

    @classmethod
    def of(cls, r: FieldReport) -> ReportRow:
        return cls(
            field=str(r.field),
            predictions=r.predictions,
            abstained=r.abstained,
            decided=r.decided,
            accepted=r.accepted,
            corrected=r.corrected,
            answered_decided=r.answered_decided,
            answered_accepted=r.answered_accepted,
            accuracy=r.accuracy,
            abstain_rate=r.abstain_rate,
        )


class ProposalOut(BaseModel):
    id: int | None
    title: str
    ticket_ids: list[int]
    organisation_count: int
    shared_terms: list[str]
    window_start: datetime
    window_end: datetime
    created_at: datetime
    status: str
    incident_id: int | None
    decided_by: str | None

    @classmethod
    def of(cls, p: OutageProposal) -> ProposalOut:
        return cls(
            id=p.id,
            title=p.title,
            ticket_ids=p.ticket_ids,
            organisation_count=p.organisation_count,
            shared_terms=p.shared_terms,
            window_start=p.window_start,
            window_end=p.window_end,
            created_at=p.created_at,
            status=str(p.status),
            incident_id=p.incident_id,
            decided_by=p.decided_by,
        )


class ProposalDecisionIn(BaseModel):
    status: Literal["declared", "dismissed"]
    incident_id: RecordId | None = None


class ProposalIncidentIn(BaseModel):
    severity: IncidentSeverity = IncidentSeverity.SEV2
    title: str | None = Field(
        default=None, max_length=200, description="Omit to take the proposal's title."
    )


class DeclaredOut(BaseModel):
    proposal: ProposalOut
    incident: IncidentOut


@router.get("/tickets/{ticket_ref}/facts", response_model=Page[FactOut])
def ticket_facts(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[FactOut]:
    """Facts read from the ticket with where they came from (message, offsets). Customers see
    none read from internal notes or restricted attachments."""
    return paginate([FactOut.of(f) for f in enrichment.ticket_facts(desk, actor, ticket_ref)], page)


@router.get("/tickets/{ticket_ref}/clarifying-questions", response_model=Page[QuestionOut])
def clarifying_questions(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[QuestionOut]:
    """Questions to ask the customer for what the ticket does not yet say."""
    return paginate(
        [QuestionOut.of(q) for q in enrichment.clarifying_questions(desk, actor, ticket_ref)], page
    )


@router.post(
    "/tickets/{ticket_ref}/clarifying-questions/{question_id}/send", response_model=QuestionOut
)
def send_clarifying_question(
    ticket_ref: TicketRef, question_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> QuestionOut:
    """Send a proposed question to the customer; the ticket then waits on them."""
    return QuestionOut.of(enrichment.send_clarifying_question(desk, actor, ticket_ref, question_id))


@router.get("/tickets/{ticket_ref}/triage", response_model=Page[SuggestionOut])
def triage_suggestions(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[SuggestionOut]:
    """Suggested product, priority, type and queue for the ticket, with confidence."""
    return paginate(
        [SuggestionOut.of(p) for p in triage.triage_suggestions(desk, actor, ticket_ref)], page
    )


@router.post("/tickets/{ticket_ref}/triage/{field}", response_model=SuggestionOut)
def decide_triage(
    ticket_ref: TicketRef, field: str, body: DecisionIn, desk: DeskDep, actor: CurrentActor
) -> SuggestionOut:
    """Accept the suggestion for a field (no value) or correct it (a value); either is
    recorded, and a correction is a training label."""
    return SuggestionOut.of(triage.decide_suggestion(desk, actor, ticket_ref, field, body.value))


@router.get("/triage/report", response_model=Page[ReportRow])
def triage_report(
    desk: DeskDep, actor: CurrentActor, page: PageQuery, since: Moment | None = None
) -> Page[ReportRow]:
    """How often triage suggestions were taken or changed, since a date (UTC if no zone)."""
    return paginate([ReportRow.of(r) for r in triage.triage_report(desk, actor, since)], page)


@router.get("/tickets/{ticket_ref}/summary", response_model=SummaryOut)
def ticket_summary(ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor) -> SummaryOut:
    """A short summary of the ticket and its thread so far."""
    s = summaries.summarise_ticket(desk, actor, ticket_ref)
    return SummaryOut(
        sentences=s.sentences,
        agent_sentences=s.agent_sentences,
        facts=s.facts,
        log_findings=s.log_findings,
        latest=s.latest,
        latest_at=s.latest_at,
    )


@router.post("/summaries", response_model=list[str])
def summarise_document(body: DocumentIn, desk: DeskDep, actor: CurrentActor) -> list[str]:
    """An extractive summary of a long document (the most central sentences, in order)."""
    return summaries.summarise_document(desk, actor, body.text, body.max_sentences)


@router.post("/tickets/{ticket_ref}/drafts")
def draft(
    ticket_ref: TicketRef, body: DraftIn, desk: DeskDep, actor: CurrentActor
) -> dict[str, str]:
    """A draft from the optional language model, returned to the agent; nothing is sent."""
    text = summaries.draft_with_language_model(
        desk, actor, ticket_ref, DraftTask(body.task), body.language
    )
    return {"task": body.task, "draft": text}


@router.get("/outage-proposals", response_model=Page[ProposalOut])
def list_outage_proposals(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    status: Literal["open", "declared", "dismissed", "all"] = Query(default="open"),
) -> Page[ProposalOut]:
    """Clusters of similar new tickets proposed as a possible outage, optionally by `status`."""
    chosen = None if status == "all" else ProposalStatus(status)
    return paginate([ProposalOut.of(p) for p in outages.list_proposals(desk, actor, chosen)], page)


@router.get("/outage-proposals/{proposal_id}", response_model=ProposalOut)
def get_outage_proposal(proposal_id: RecordId, desk: DeskDep, actor: CurrentActor) -> ProposalOut:
    """One outage proposal with the tickets in it."""
    return ProposalOut.of(outages.get_proposal(desk, actor, proposal_id))


@router.post("/outage-proposals/{proposal_id}/decision", response_model=ProposalOut)
def decide_outage_proposal(
    proposal_id: RecordId, body: ProposalDecisionIn, desk: DeskDep, actor: CurrentActor
) -> ProposalOut:
    """Record that an incident was declared elsewhere from the proposal (its id) or that it
    was dismissed."""
    return ProposalOut.of(
        outages.decide_proposal(
            desk, actor, proposal_id, ProposalStatus(body.status), body.incident_id
        )
    )


@router.post(
    "/outage-proposals/{proposal_id}/incident",
    response_model=DeclaredOut,
    status_code=status.HTTP_201_CREATED,
)
def declare_incident_from_proposal(
    proposal_id: RecordId,
    desk: DeskDep,
    actor: CurrentActor,
    body: ProposalIncidentIn | None = None,
) -> DeclaredOut:
    """Declare the incident the proposal describes, its tickets linked, and decide the
    proposal as declared: one action (409 when the proposal is already decided)."""
    body = body or ProposalIncidentIn()
    proposal, incident = outages.declare_from_proposal(
        desk, actor, proposal_id, body.severity, body.title
    )
    assert incident.id is not None
    view = incidents.get_incident(desk, actor, incident.id)
    return DeclaredOut(
        proposal=ProposalOut.of(proposal),
        incident=IncidentOut.shown(view, updates=view.updates),
    )
