"""/api/v1/known-issues: documented fixes, linked to tickets and sent in one call."""

from __future__ import annotations

from fastapi import APIRouter, status

from tierdesk.domain.known_issues import KnownIssueStatus
from tierdesk.entrypoints.web.api.tickets import detail
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.schemas import TicketDetail
from tierdesk.entrypoints.web.schemas_workflow import (
    KnownIssueCreate,
    KnownIssueLink,
    KnownIssueOut,
    KnownIssuePatch,
)
from tierdesk.services import known_issues

router = APIRouter(prefix="/known-issues", tags=["known issues"])


@router.get("", response_model=list[KnownIssueOut])
def list_known_issues(
    desk: DeskDep,
    actor: CurrentActor,
    product: str | None = None,
    status: KnownIssueStatus | None = None,
) -> list[KnownIssueOut]:
    found = known_issues.list_known_issues(desk, actor, product, status)
    return [KnownIssueOut.of(issue, count) for issue, count in found]


@router.post("", response_model=KnownIssueOut, status_code=status.HTTP_201_CREATED)
def create_known_issue(body: KnownIssueCreate, desk: DeskDep, actor: CurrentActor) -> KnownIssueOut:
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
    return KnownIssueOut.of(issue, 0, [])


@router.get("/{issue_id}", response_model=KnownIssueOut)
def get_known_issue(issue_id: RecordId, desk: DeskDep, actor: CurrentActor) -> KnownIssueOut:
    view = known_issues.get_known_issue(desk, actor, issue_id)
    return KnownIssueOut.of(view.issue, view.link_count, view.tickets)


@router.patch("/{issue_id}", response_model=KnownIssueOut)
def patch_known_issue(
    issue_id: RecordId, body: KnownIssuePatch, desk: DeskDep, actor: CurrentActor
) -> KnownIssueOut:
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
