"""The escalation contract: escalate with a hand-off packet, accept or bounce it, amend it.

Escalating needs a reason and a packet complete enough for the receiving level (its
``required_packet_fields``), within the customer's plan. The receiving level accepts (one of its
members takes ownership) or bounces the ticket back with guidance. Every step is audited; the
packet stays on the ticket, versioned when amended.
"""

from __future__ import annotations

from datetime import datetime

from tierdesk.domain.handoff import (
    HandoffPacket,
    PacketContent,
    PacketStatus,
    check_diagnostics,
    require_complete,
    supersede_waiting,
)
from tierdesk.domain.handoff_draft import draft_packet
from tierdesk.domain.levels import Level, check_reachable, require_at_or_above, require_member
from tierdesk.domain.people import Actor, Agent, Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidTransitionError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.summaries import improve_draft


def _level(uow: UnitOfWork, tier: Tier) -> Level:
    level = uow.levels.get(tier)
    if level is None:  # the migration seeds all five; a missing one is a broken install
        raise NotFoundError(f"level {tier.label} is not configured")
    return level


def _catalog_names(uow: UnitOfWork, ticket: Ticket) -> tuple[str | None, str | None]:
    if ticket.product_id is None:
        return None, None
    product = uow.products.get(ticket.product_id)
    if product is None:
        return None, None
    version = next((v.name for v in product.versions if v.id == ticket.version_id), None)
    return product.name, version


def _attachment_ids(ticket: Ticket) -> set[int]:
    return {a.id for m in ticket.messages for a in m.attachments if a.id is not None}


def escalate_ticket(
    desk: Desk,
    actor: Actor,
    reference: int | str,
    to: Tier,
    reason: str,
    content: PacketContent | None,
) -> tuple[Ticket, HandoffPacket]:
    """Hand a ticket up. Refused without a packet the target level accepts, beyond the
    customer's plan, or by someone who does not work the ticket's current level."""
    agent = require_agent(actor, "escalate tickets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        if isinstance(agent, Agent):
            require_at_or_above(agent, _level(uow, ticket.tier), "escalate from it")
        target = _level(uow, to)
        organisation = uow.organisations.get(ticket.organisation_id)
        plan = uow.organisations.plan_by_id(organisation.plan_id) if organisation else None
        if plan is not None:
            check_reachable(to, plan.name, plan.highest_tier)
        content = content or PacketContent()
        require_complete(content, target)
        check_diagnostics(content, _attachment_ids(ticket))
        packet = record_escalation(uow, ticket, to, reason, content, actor, desk.clock.now())
        uow.commit()
        return ticket, packet


def record_escalation(
    uow: UnitOfWork,
    ticket: Ticket,
    to: Tier,
    reason: str,
    content: PacketContent,
    actor: Actor,
    now: datetime,
) -> HandoffPacket:
    """Escalate a ticket already loaded in ``uow`` and store its packet. The checks of who may
    escalate and how complete the packet must be are the caller's: the desk itself (an SLA
    breach, a rule) escalates with the packet it drafted from the thread."""
    assert ticket.id is not None
    sequence = uow.packets.next_sequence(ticket.id)
    from_tier = ticket.tier
    ticket.escalate(to, reason, content.summary(), actor, now, packet_sequence=sequence)
    packet = HandoffPacket(
        ticket_id=ticket.id,
        sequence=sequence,
        revision=1,
        from_tier=from_tier,
        to_tier=to,
        reason=reason.strip(),
        content=content.to_dict(),
        author_kind=str(actor.kind),
        author_id=actor.id,
        author_name=actor.name,
        created_at=now,
    )
    supersede_waiting(uow.packets.for_ticket(ticket.id), packet)
    uow.packets.add(packet)
    return packet


def _open_packet(uow: UnitOfWork, ticket: Ticket) -> HandoffPacket:
    assert ticket.id is not None
    packet = uow.packets.latest(ticket.id)
    if packet is None or packet.to_tier != ticket.tier:
        raise InvalidTransitionError(
            f"ticket {ticket.number} did not reach {ticket.tier.label} by escalation",
            ticket=ticket.number,
        )
    return packet


def accept_escalation(
    desk: Desk, actor: Actor, reference: int | str, assignee_id: int | None = None
) -> Ticket:
    """A member of the receiving level takes ownership (a lead may hand it to a member)."""
    agent = require_agent(actor, "accept escalations")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        level = _level(uow, ticket.tier)
        if isinstance(agent, Agent):
            require_member(agent, level, "accept its escalations")
        owner: Agent | None = agent if isinstance(agent, Agent) else None
        if assignee_id is not None:
            owner = uow.agents.get(assignee_id)
            if owner is None:
                raise NotFoundError(f"agent {assignee_id} not found", agent=assignee_id)
            if isinstance(agent, Agent) and agent.id != owner.id and not agent.is_lead:
                raise InvalidTransitionError("only leads accept an escalation for someone else")
        if owner is None:
            raise InvalidTransitionError("name the agent who takes the ticket (assignee_id)")
        if not owner.works_tier(level.tier):
            raise InvalidTransitionError(
                f"{owner.name} does not work {level.label}; a member of {level.name} must "
                "take the ticket",
            )
        packet = _open_packet(uow, ticket)
        now = desk.clock.now()
        ticket.accept_escalation(owner, actor, now)
        packet.status, packet.decided_by, packet.decided_at = (
            PacketStatus.ACCEPTED,
            actor.name,
            now,
        )
        uow.commit()
        return ticket


def bounce_escalation(
    desk: Desk, actor: Actor, reference: int | str, guidance: str, reason: str
) -> Ticket:
    """Send the ticket back to the level it came from, saying what to try."""
    agent = require_agent(actor, "bounce escalations")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        if isinstance(agent, Agent):
            require_member(agent, _level(uow, ticket.tier), "bounce its tickets")
        packet = _open_packet(uow, ticket)
        escalated_by = None
        if packet.author_kind == "agent" and packet.author_id is not None:
            escalated_by = uow.agents.get(packet.author_id)
        now = desk.clock.now()
        ticket.bounce_escalation(packet.from_tier, guidance, reason, escalated_by, actor, now)
        packet.status, packet.decided_by, packet.decided_at = (
            PacketStatus.BOUNCED,
            actor.name,
            now,
        )
        packet.guidance = guidance.strip()
        uow.commit()
        return ticket


def amend_packet(
    desk: Desk, actor: Actor, reference: int | str, sequence: int, content: PacketContent
) -> HandoffPacket:
    """Store a new revision of a packet; earlier revisions stay on the trail (one that was
    still awaiting acceptance now reads superseded: the new revision is what waits)."""
    require_agent(actor, "amend hand-off packets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        revisions = [p for p in uow.packets.for_ticket(ticket.id) if p.sequence == sequence]
        if not revisions:
            raise NotFoundError(f"ticket {ticket.number} has no packet {sequence}")
        current = revisions[-1]
        require_complete(content, _level(uow, current.to_tier))
        check_diagnostics(content, _attachment_ids(ticket))
        now = desk.clock.now()
        amended = HandoffPacket(
            ticket_id=ticket.id,
            sequence=sequence,
            revision=current.revision + 1,
            from_tier=current.from_tier,
            to_tier=current.to_tier,
            reason=current.reason,
            content=content.to_dict(),
            author_kind=str(actor.kind),
            author_id=actor.id,
            author_name=actor.name,
            created_at=now,
            status=current.status,
            decided_by=current.decided_by,
            decided_at=current.decided_at,
            guidance=current.guidance,
        )
        supersede_waiting(revisions, amended)
        uow.packets.add(amended)
        ticket.record_packet_amended(sequence, amended.revision, content.summary(), actor, now)
        uow.commit()
        return amended


def list_packets(desk: Desk, actor: Actor, reference: int | str) -> list[HandoffPacket]:
    require_agent(actor, "read hand-off packets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        return uow.packets.for_ticket(ticket.id)


def draft_packet_for(desk: Desk, actor: Actor, reference: int | str) -> PacketContent:
    """A rule-based first draft of the packet, read off the ticket's thread."""
    require_agent(actor, "draft hand-off packets")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        return packet_draft(uow, ticket)


def packet_draft(uow: UnitOfWork, ticket: Ticket) -> PacketContent:
    """The draft for a ticket already loaded in ``uow`` (also what the desk itself hands over
    when a rule or an SLA breach escalates)."""
    product, version = _catalog_names(uow, ticket)
    draft = draft_packet(ticket.subject, list(ticket.messages), product, version)
    return improve_draft(uow, ticket, draft)  # facts, log findings and the thread summary
