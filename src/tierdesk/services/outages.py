"""Outage detection: when a new ticket makes a burst of similar tickets from several
organisations inside the window, the desk proposes an incident listing the tickets it would
link. It only proposes: a person declares the incident (``mark_declared`` records which)."""

from __future__ import annotations

from datetime import timedelta

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.outages import OutageProposal, ProposalStatus, find_burst, propose
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidTransitionError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent
from tierdesk.services.desk import Desk


def detect_outage(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """Runs after enrichment (services/handlers.py), so the new ticket's error codes are known."""
    if desk.understanding is None or ticket.id is None:
        return
    config = desk.understanding.config
    now = desk.clock.now()
    recent = uow.outages.recent_tickets(now - timedelta(minutes=config.outage_window_minutes))
    new = next((t for t in recent if t.ticket_id == ticket.id), None)
    if new is None:
        return
    group = find_burst(
        new,
        recent,
        min_tickets=config.outage_min_tickets,
        min_organisations=config.outage_min_organisations,
        similarity=config.outage_similarity,
    )
    if group is None:
        return
    existing = uow.outages.open_with([t.ticket_id for t in group])
    fresh = propose(group, now)
    if existing is None:
        uow.outages.add(fresh)
        return
    existing.ticket_ids = sorted({*existing.ticket_ids, *fresh.ticket_ids})
    existing.organisation_count = max(existing.organisation_count, fresh.organisation_count)
    existing.window_end = fresh.window_end


def list_proposals(
    desk: Desk, actor: Actor, status: ProposalStatus | None = ProposalStatus.OPEN
) -> list[OutageProposal]:
    require_agent(actor, "see outage proposals")
    with desk.uow() as uow:
        return uow.outages.find(status)


def get_proposal(desk: Desk, actor: Actor, proposal_id: int) -> OutageProposal:
    require_agent(actor, "see outage proposals")
    with desk.uow() as uow:
        proposal = uow.outages.get(proposal_id)
        if proposal is None:
            raise NotFoundError(f"no outage proposal {proposal_id}")
        return proposal


def decide_proposal(
    desk: Desk,
    actor: Actor,
    proposal_id: int,
    status: ProposalStatus,
    incident_id: int | None = None,
) -> OutageProposal:
    """Record that an incident was declared from the proposal (with its id) or that it was
    dismissed. Declaring the incident itself is the incidents service's job."""
    agent = require_agent(actor, "decide outage proposals")
    if status is ProposalStatus.OPEN:
        raise InvalidTransitionError("a proposal is decided as declared or dismissed")
    with desk.uow() as uow:
        proposal = uow.outages.get(proposal_id)
        if proposal is None:
            raise NotFoundError(f"no outage proposal {proposal_id}")
        if proposal.status is not ProposalStatus.OPEN:
            raise InvalidTransitionError(
                f"outage proposal {proposal_id} is already {proposal.status}"
            )
        proposal.status, proposal.incident_id, proposal.decided_by = status, incident_id, agent.name
        uow.audit.add(
            audit_event(
                "outage_proposal",
                "outage_proposal.decided",
                agent,
                desk.clock.now(),
                subject_id=proposal_id,
                changes={
                    "status": [str(ProposalStatus.OPEN), str(status)],
                    "incident_id": incident_id,
                    "ticket_ids": list(proposal.ticket_ids),
                    "title": proposal.title,
                },
            )
        )
        uow.commit()
        return proposal
