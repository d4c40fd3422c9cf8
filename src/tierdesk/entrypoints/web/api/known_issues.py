"""/api/v1/known-issues: documented fixes, linked to tickets and sent in one call."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from tierdesk.domain.known_issues import KnownIssueStatus
from tierdesk.entrypoints.web.api.tickets import detail
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas import TicketDetail
from tierdesk.entrypoints.web.schemas_workflow import (
    KnownIssueCreate,
    KnownIssueLink,
    KnownIssueOut,
    KnownIssuePatch,
)
from tierdesk.services import known_issues

router = APIRouter(prefix="/known-issues", tags=["known issues"])


@router.get("", response_model=Page[KnownIssueOut])
def list_known_issues(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    product: str | None = None,
    status: KnownIssueStatus | None = None,
) -> Page[KnownIssueOut]:
    """Known issues with their workaround or fix, optionally by `product` and `status`."""
    found = known_issues.list_known_issues(desk, actor, product, status)
    return paginate(KnownIssueOut.listed(found), page)


@router.post("", response_model=KnownIssueOut, status_code=status.HTTP_201_CREATED)
def create_known_issue(body: KnownIssueCreate, desk: DeskDep, actor: CurrentActor) -> KnownIssueOut:
    """Record a known issue: symptoms, fix or workaround, affected versions."""
    issue = known_issues.create_known_issue(
        desk,
        actor,
        known_issues.KnownIssueInput(
            title=body.title,
            symptoms=body.symptoms,
            fix=body.fix,
            root_cause=body.root_cause,
            product=body.product,
            affected_versions=body.affected_versions,
        ),
    )
    return KnownIssueOut.of(issue, link_count=0, tickets=[])


class KnownFixProposal(BaseModel):
    """A new known issue drafted from a ticket, for the engineer to edit and send back."""

    title: str
    symptoms: str
    fix: str
    root_cause: str
    product: str | None
    affected_versions: list[str]
    send_fix: bool = Field(
        description="The suggested `send_fix` for `POST /known-issues/known-fix`: true when the "
        "fix is the answer the customer was given; false when it was drafted from the ticket's "
        "last public replies or its resolution (often a question: read it before sending)"
    )


class KnownFixCreate(KnownIssueCreate):
    ticket: int | str = Field(description="The ticket whose known fix this is")
    send_fix: bool = Field(default=True, description="Answer the ticket with the fix")


@router.get("/proposal", response_model=KnownFixProposal)
def propose_known_issue(ticket: str, desk: DeskDep, actor: CurrentActor) -> KnownFixProposal:
    """L3's "known fix" without an existing known issue: a new one drafted from the ticket
    (its public side: title, symptoms, the fix the customer was given, the resolution as root
    cause). Nothing is stored; ``POST /known-issues/known-fix`` stores the edited one."""
    proposal = known_issues.draft_known_issue_for(desk, actor, ticket)
    draft = proposal.issue
    return KnownFixProposal(
        title=draft.title,
        symptoms=draft.symptoms,
        fix=draft.fix,
        root_cause=draft.root_cause,
        product=draft.product,
        affected_versions=draft.affected_versions,
        send_fix=proposal.fix_was_sent,
    )


@router.post("/known-fix", response_model=KnownIssueOut, status_code=status.HTTP_201_CREATED)
def record_known_fix(body: KnownFixCreate, desk: DeskDep, actor: CurrentActor) -> KnownIssueOut:
    """Create the known issue, link the ticket and (unless ``send_fix`` is false) answer it
    with the fix, in one step; at L3 this records the "known fix" outcome."""
    issue, _ticket = known_issues.record_known_fix(
        desk,
        actor,
        body.ticket,
        known_issues.KnownIssueInput(
            title=body.title,
            symptoms=body.symptoms,
            fix=body.fix,
            root_cause=body.root_cause,
            product=body.product,
            affected_versions=body.affected_versions,
        ),
        send_fix=body.send_fix,
    )
    assert issue.id is not None
    return KnownIssueOut.shown(known_issues.get_known_issue(desk, actor, issue.id))


@router.get("/{issue_id}", response_model=KnownIssueOut)
def get_known_issue(issue_id: RecordId, desk: DeskDep, actor: CurrentActor) -> KnownIssueOut:
    """One known issue with the tickets linked to it."""
    return KnownIssueOut.shown(known_issues.get_known_issue(desk, actor, issue_id))


@router.patch("/{issue_id}", response_model=KnownIssueOut)
def patch_known_issue(
    issue_id: RecordId, body: KnownIssuePatch, desk: DeskDep, actor: CurrentActor
) -> KnownIssueOut:
    """Change a known issue's fix, root cause, status or affected versions."""
    known_issues.update_known_issue(
        desk,
        actor,
        issue_id,
        fix=body.fix,
        root_cause=body.root_cause,
        status=body.status,
        affected_versions=body.affected_versions,
    )
    return get_known_issue(issue_id, desk, actor)


@router.post("/{issue_id}/tickets", response_model=TicketDetail)
def link_ticket(
    issue_id: RecordId, body: KnownIssueLink, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Link a ticket and (unless ``send_fix`` is false) answer it with the documented fix as a
    public reply, in one step. Returns the ticket with the reply in its thread."""
    _issue, ticket = known_issues.link_known_issue(
        desk, actor, issue_id, body.ticket, send_fix=body.send_fix
    )
    return detail(desk, actor, ticket)
