"""/api/v1/metrics (escalation quality per level) and L3 outcomes on a ticket."""

from __future__ import annotations

from fastapi import APIRouter

from tierdesk.domain.people import Tier
from tierdesk.entrypoints.web.api.tickets import TicketRef, detail
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.moments import Moment
from tierdesk.entrypoints.web.schemas import TicketDetail
from tierdesk.entrypoints.web.schemas_workflow import (
    MetricsOut,
    MoreInformation,
    OutcomeOut,
    RecordLinkOut,
    SolvableLower,
    TicketRecordsOut,
)
from tierdesk.services import l3_outcomes, metrics

router = APIRouter(tags=["metrics and L3 outcomes"])


@router.get("/metrics", response_model=MetricsOut)
def get_metrics(
    desk: DeskDep,
    actor: CurrentActor,
    since: Moment | None = None,
    until: Moment | None = None,
    product: str | None = None,
    level: str | None = None,
) -> MetricsOut:
    """First-contact resolution, escalation and bounce-back rates, time in level, solvable
    lower, SLA compliance, L3 outcome mix and backlog per level, for ``[since, until)``
    (default: the last 30 days, widened to 90 days or all time while fewer than 20 tickets saw
    activity in them; the response's since and until say which). Leads and admins."""
    tier = Tier.parse(level) if level is not None else None
    return MetricsOut.model_validate(
        metrics.escalation_metrics(desk, actor, since, until, product, tier)
    )


@router.post("/tickets/{ticket_ref}/more-information", response_model=TicketDetail)
def request_more_information(
    ticket_ref: TicketRef, body: MoreInformation, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Send the customer a checklist; the ticket waits on them until they answer."""
    ticket = l3_outcomes.request_more_information(desk, actor, ticket_ref, body.items, body.note)
    return detail(desk, actor, ticket)


@router.post("/tickets/{ticket_ref}/escalation/solvable-lower", response_model=TicketDetail)
def mark_solvable_lower(
    ticket_ref: TicketRef, body: SolvableLower, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """The receiving level keeps the ticket but says a lower level could have solved it."""
    return detail(
        desk, actor, l3_outcomes.mark_solvable_lower(desk, actor, ticket_ref, body.reason)
    )


@router.get("/tickets/{ticket_ref}/records", response_model=TicketRecordsOut)
def ticket_records(ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor) -> TicketRecordsOut:
    """The known issues, defects, incidents and enhancement requests the ticket is linked to,
    and level 3's outcomes on it."""
    records = l3_outcomes.ticket_records(desk, actor, ticket_ref)
    return TicketRecordsOut(
        links=[RecordLinkOut.of(link) for link in records.links],
        outcomes=[OutcomeOut.model_validate(o) for o in records.outcomes],
    )
