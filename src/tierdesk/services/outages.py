"""Outage detection: when a new ticket makes a burst of similar tickets from several
organisations inside the window, the desk proposes an incident listing the tickets it would
link, and tells the leads. It only proposes: a person declares the incident from the proposal
in one action (``declare_from_proposal``), or dismisses it, or records an incident declared
elsewhere (``decide_proposal``)."""

from __future__ import annotations

from datetime import timedelta

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.incidents import Incident, IncidentSeverity
from tierdesk.domain.outages import OutageProposal, ProposalStatus, find_burst, propose
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidTransitionError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.incidents import open_incident
from tierdesk.services.notifications import leads, notify_agents


def detect_outage(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """A step of a new ticket's follow-up, after enrichment (services/handlers.py::FOLLOW_UPS),
    so the new ticket's error codes are known. The window starts from the ticket's opening, not
    from the job's run, so a follow-up that ran late (a backlog, a retry) still finds the ticket
    among the recent ones; it also sees tickets opened since (whose follow-ups may have run
    already: with several workers the last of a burst to be read finds the burst). Run again
    (delivery is at least once) it merges into the proposal it made, changing nothing."""
    if desk.understanding is None or ticket.id is None:
        return
    config = desk.understanding.config
    now = desk.clock.now()
    window = timedelta(minutes=config.outage_window_minutes)
    recent = uow.outages.recent_tickets(ticket.created_at - window)
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
        _tell_leads(uow, fresh)
        return
    existing.ticket_ids = sorted({*existing.ticket_ids, *fresh.ticket_ids})
    existing.organisation_count = max(existing.organisation_count, fresh.organisation_count)
    existing.window_end = max(existing.window_end, fresh.window_end)


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


def _tell_leads(uow: UnitOfWork, proposal: OutageProposal) -> None:
    """A notification for every lead, in the transaction that opened the proposal."""
    count = len(proposal.ticket_ids)
    notify_agents(
        uow,
        [lead.id for lead in leads(uow)],
        kind="outage.proposed",
        text=f"{proposal.title}: {count} similar tickets from {proposal.organisation_count} "
        "organisations. Declare an incident or dismiss the proposal.",
        at=proposal.created_at,
        details={"proposal_id": proposal.id, "ticket_ids": list(proposal.ticket_ids)},
    )


def decide_proposal(
    desk: Desk,
    actor: Actor,
    proposal_id: int,
    status: ProposalStatus,
    incident_id: int | None = None,
) -> OutageProposal:
    """Record that an incident was declared elsewhere from the proposal (with its id) or that
    it was dismissed."""
    agent = require_agent(actor, "decide outage proposals")
    if status is ProposalStatus.OPEN:
        raise InvalidTransitionError("a proposal is decided as declared or dismissed")
    with desk.uow() as uow:
        proposal = _open_proposal(uow, proposal_id)
        _decide(uow, desk, agent, proposal, status, incident_id)
        uow.commit()
        return proposal


def declare_from_proposal(
    desk: Desk,
    actor: Actor,
    proposal_id: int,
    severity: IncidentSeverity = IncidentSeverity.SEV2,
    title: str | None = None,
) -> tuple[OutageProposal, Incident]:
    """Declare the incident the proposal describes, with the proposal's tickets linked, and
    record the proposal as declared: one transaction, so a proposal never gets two incidents
    and an incident never misses its proposal."""
    agent = require_agent(actor, "declare incidents from outage proposals")
    with desk.uow() as uow:
        proposal = _open_proposal(uow, proposal_id)
        incident = open_incident(
            uow,
            desk,
            agent,
            (title or "").strip() or proposal.title,
            f"Declared from outage proposal {proposal_id} ({len(proposal.ticket_ids)} tickets "
            f"from {proposal.organisation_count} organisations): "
            f"{', '.join(proposal.shared_terms)}",
            severity,
            None,
            list(proposal.ticket_ids),
        )
        _decide(uow, desk, agent, proposal, ProposalStatus.DECLARED, incident.id)
        uow.commit()
        return proposal, incident


def _open_proposal(uow: UnitOfWork, proposal_id: int) -> OutageProposal:
    proposal = uow.outages.get(proposal_id)
    if proposal is None:
        raise NotFoundError(f"no outage proposal {proposal_id}")
    if proposal.status is not ProposalStatus.OPEN:
        raise InvalidTransitionError(f"outage proposal {proposal_id} is already {proposal.status}")
    return proposal


def _decide(
    uow: UnitOfWork,
    desk: Desk,
    agent: Actor,
    proposal: OutageProposal,
    status: ProposalStatus,
    incident_id: int | None,
) -> None:
    proposal.status, proposal.incident_id, proposal.decided_by = status, incident_id, agent.name
    uow.audit.add(
        audit_event(
            "outage_proposal",
            "outage_proposal.decided",
            agent,
            desk.clock.now(),
            subject_id=proposal.id,
            changes={
                "status": [str(ProposalStatus.OPEN), str(status)],
                "incident_id": incident_id,
                "ticket_ids": list(proposal.ticket_ids),
                "title": proposal.title,
            },
        )
    )
