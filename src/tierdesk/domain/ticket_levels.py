"""How a ticket moves between support levels: escalate, de-escalate, accept, bounce, amend.

These are the ticket's own moves, as functions of the ticket (and of the hand-off packet an
escalation carries) so that ``tickets.py`` stays readable. Like the ticket's methods they check,
apply and record on the ticket's trail (its ``_record``); the packet's transitions are its own
methods (``domain/handoff.py``). A use case loads the ticket and its packets, calls one of
these and commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tierdesk.domain.handoff import HandoffPacket, PacketContent, PacketStatus, supersede_waiting
from tierdesk.domain.messages import require_text
from tierdesk.domain.people import Actor, Agent, Tier
from tierdesk.domain.ticket_values import Status
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidTransitionError


def escalate(
    ticket: Ticket,
    to: Tier,
    reason: str,
    handoff_note: str,
    by: Actor,
    at: datetime,
    packet_sequence: int | None = None,
) -> None:
    """Hand the ticket to a higher level. The reason says why; the hand-off note (the
    packet's summary) says what is known and what was tried. The receiving level must then
    accept it or bounce it back."""
    _change_tier(
        ticket, to, reason, handoff_note, by, at, upwards=True, packet_sequence=packet_sequence
    )
    ticket.escalation_state = PacketStatus.AWAITING


def escalate_with_packet(
    ticket: Ticket,
    to: Tier,
    reason: str,
    content: PacketContent,
    sequence: int,
    earlier: Sequence[HandoffPacket],
    by: Actor,
    at: datetime,
) -> HandoffPacket:
    """Escalate and open packet ``sequence``, which replaces every ``earlier`` one still
    waiting. Whether ``content`` is complete enough for ``to`` is the caller's check: the desk
    itself (an SLA breach, a rule) escalates with the packet it drafted."""
    assert ticket.id is not None
    from_tier = ticket.tier
    escalate(ticket, to, reason, content.summary(), by, at, packet_sequence=sequence)
    packet = HandoffPacket.open(ticket.id, sequence, from_tier, to, reason, content, by, at)
    supersede_waiting(earlier, packet)
    return packet


def de_escalate(
    ticket: Ticket, to: Tier, reason: str, handoff_note: str, by: Actor, at: datetime
) -> None:
    """Hand the ticket back down, with guidance on what to try."""
    _change_tier(ticket, to, reason, handoff_note, by, at, upwards=False)
    ticket.escalation_state = None


def open_packet(ticket: Ticket, latest: HandoffPacket | None) -> HandoffPacket:
    """The packet that brought the ticket to its level (``latest``: its newest revision of its
    newest packet), which the level accepts or bounces."""
    if latest is None or latest.to_tier != ticket.tier:
        raise InvalidTransitionError(
            f"ticket {ticket.number} did not reach {ticket.tier.label} by escalation",
            ticket=ticket.number,
        )
    return latest


def accept_escalation(
    ticket: Ticket, packet: HandoffPacket, agent: Agent, by: Actor, at: datetime
) -> None:
    """The receiving level takes ownership: ``agent`` becomes the assignee, the packet reads
    accepted."""
    ticket._require_active("accept_escalation")
    if ticket.escalation_state is not PacketStatus.AWAITING:
        raise InvalidTransitionError(
            f"ticket {ticket.number} has no escalation waiting to be accepted",
            ticket=ticket.number,
        )
    packet.accept(by, at)
    old = ticket.assignee_id
    ticket.assignee_id, ticket.escalation_state = agent.id, PacketStatus.ACCEPTED
    ticket._record(
        "escalation.accepted",
        by,
        at,
        changes={"tier": int(ticket.tier), "assignee_id": [old, agent.id]},
    )


def bounce_escalation(
    ticket: Ticket,
    packet: HandoffPacket,
    guidance: str,
    reason: str,
    return_to: Agent | None,
    by: Actor,
    at: datetime,
) -> None:
    """The receiving level sends the ticket back to the level it came from, saying what to try
    first. The ticket goes back to whoever escalated it (``return_to``), when they still work
    that level."""
    if ticket.escalation_state not in (PacketStatus.AWAITING, PacketStatus.ACCEPTED):
        raise InvalidTransitionError(
            f"ticket {ticket.number} did not arrive by escalation; de-escalate it instead",
            ticket=ticket.number,
        )
    guidance = require_text(guidance, "guidance", max_length=50_000)
    from_tier, to = ticket.tier, packet.from_tier
    _change_tier(ticket, to, reason, guidance, by, at, upwards=False)
    packet.bounce(by, at, guidance)
    ticket.escalation_state = None
    if return_to is not None and return_to.works_tier(to) and return_to.active:
        ticket.assignee_id = return_to.id
    ticket._record(
        "escalation.bounced",
        by,
        at,
        changes={
            "tier": [int(from_tier), int(to)],
            "guidance": guidance,
            "assignee_id": ticket.assignee_id,
        },
        reason=reason,
    )


def amend_packet(
    ticket: Ticket,
    revisions: Sequence[HandoffPacket],
    content: PacketContent,
    by: Actor,
    at: datetime,
) -> HandoffPacket:
    """Store a new revision of a packet (``revisions``: all of its revisions so far, oldest
    first); one that was still awaiting acceptance now reads superseded."""
    amended = revisions[-1].amend(content, by, at)
    supersede_waiting(revisions, amended)
    ticket._record(
        "packet.amended",
        by,
        at,
        changes={
            "packet": amended.sequence,
            "revision": amended.revision,
            "handoff_note": content.summary(),
        },
    )
    return amended


def _change_tier(
    ticket: Ticket,
    to: Tier,
    reason: str,
    note: str,
    by: Actor,
    at: datetime,
    *,
    upwards: bool,
    packet_sequence: int | None = None,
) -> None:
    action = "escalate" if upwards else "de_escalate"
    ticket._require_active(action)
    if ticket.status is Status.SOLVED:
        raise InvalidTransitionError(
            f"ticket {ticket.number} is solved; reopen it first", ticket=ticket.number
        )
    if (upwards and to <= ticket.tier) or (not upwards and to >= ticket.tier):
        direction = "higher" if upwards else "lower"
        raise InvalidTransitionError(
            f"ticket {ticket.number} is at {ticket.tier.label}; {action.replace('_', '-')} "
            f"needs a {direction} level, not {to.label}",
            ticket=ticket.number,
            tier=int(ticket.tier),
            requested=int(to),
        )
    reason = require_text(reason, "reason", max_length=5_000)
    # named as the caller sent it: a hand-off note going up, guidance coming back down
    note = require_text(note, "handoff_note" if upwards else "guidance", max_length=50_000)
    old_tier, old_assignee = ticket.tier, ticket.assignee_id
    ticket.tier, ticket.assignee_id = to, None
    if isinstance(by, Agent) and by.id is not None:
        ticket.follow(by.id)
    changes: dict[str, Any] = {
        "tier": [int(old_tier), int(to)],
        "assignee_id": [old_assignee, None],
        "handoff_note": note,
    }
    if packet_sequence is not None:
        changes["packet"] = packet_sequence
    ticket._record(
        "ticket.escalated" if upwards else "ticket.de_escalated",
        by,
        at,
        changes=changes,
        reason=reason,
    )
    if ticket.status in (Status.NEW, Status.ON_HOLD, Status.PENDING_INTERNAL):
        ticket._move_status(Status.OPEN, by, at, reason=f"{action.replace('_', '-')}d")
