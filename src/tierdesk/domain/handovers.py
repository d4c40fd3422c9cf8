"""The follow-the-sun hand-over: at the end of a region's shift each of its engineers' open
tickets gets a note for the region taking over, which accepts the ticket (or a lead reassigns
it).

A hand-over is drafted (the engineer may edit the note), then handed over (awaiting
acceptance; the note may still be corrected by its writer until someone takes the ticket), then
accepted. There is at most one per ticket and shift end, so the job, a second worker and the
"hand over now" button never hand a ticket over twice for one shift; a later shift's hand-over of
a ticket nobody took supersedes the earlier one. Handing over and accepting are on the ticket's
trail.

The note is drafted with the escalation packet's machinery (``handoff_draft``): what the thread
says, plus the state, the next step, whom the ticket waits on and its SLA clocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tierdesk.domain.handoff import PacketContent, PacketStatus
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import InvalidInputError, InvalidTransitionError, PermissionDeniedError

MAX_NOTE = 20_000


class HandoverStatus(StrEnum):
    DRAFTED = "drafted"  # the engineer may still edit it; the next region does not see it yet
    AWAITING = "awaiting-acceptance"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"  # a later shift handed the ticket over again before anyone took it


@dataclass(frozen=True)
class Clock:
    """An SLA clock as the note states it."""

    kind: str
    due_at: datetime | None
    paused: bool = False
    breached: bool = False


@dataclass(eq=False)
class Handover:
    ticket_id: int
    from_region_id: int
    to_region_id: int
    from_agent_id: int
    shift_end: datetime
    note: str
    created_at: datetime
    status: HandoverStatus = HandoverStatus.DRAFTED
    handed_over_at: datetime | None = None
    accepted_by_id: int | None = None
    accepted_by: str | None = None
    accepted_at: datetime | None = None
    assignee_id: int | None = None  # who took the ticket
    id: int | None = None

    @property
    def editable(self) -> bool:
        return self.status in (HandoverStatus.DRAFTED, HandoverStatus.AWAITING)

    def edit(self, note: str, by: Actor) -> None:
        """Its writer (or a lead) corrects the note until someone takes the ticket."""
        if not (isinstance(by, Agent) and (by.id == self.from_agent_id or by.is_lead)):
            raise PermissionDeniedError("only the engineer handing over or a lead edits the note")
        if not self.editable:
            raise InvalidTransitionError(f"the hand-over is {self.status}; its note is final")
        self.note = check_note(note)

    def hand_over(self, ticket: Ticket, by: Actor, at: datetime) -> None:
        if self.status is not HandoverStatus.DRAFTED:
            return  # handed over already: the job and the button may both get here
        self.status, self.handed_over_at = HandoverStatus.AWAITING, at
        ticket._record(
            "ticket.handed_over",
            by,
            at,
            changes={
                "from_region_id": self.from_region_id,
                "to_region_id": self.to_region_id,
                "from_agent_id": self.from_agent_id,
                "shift_end": self.shift_end.astimezone(UTC).isoformat(),
            },
        )

    def accept(
        self, ticket: Ticket, owner: Agent, by: Agent, by_region_id: int | None, at: datetime
    ) -> None:
        """``owner`` takes the ticket: themselves (an engineer of the receiving region) or
        anyone a lead names."""
        if self.status is not HandoverStatus.AWAITING:
            raise InvalidTransitionError(
                f"this hand-over is {self.status}, not awaiting acceptance", status=self.status
            )
        if not by.is_lead:
            if by_region_id != self.to_region_id:
                raise PermissionDeniedError(
                    "only an engineer of the region taking over, or a lead, accepts a hand-over"
                )
            if owner.id != by.id:
                raise PermissionDeniedError("only leads hand a ticket to someone else")
        if not owner.active:
            raise InvalidInputError(f"{owner.name} is not an active agent", field="assignee")
        if not owner.works_tier(ticket.tier) and not owner.is_lead:
            raise InvalidTransitionError(
                f"{owner.name} does not work level {ticket.tier.label}, where {ticket.number} is",
                field="assignee",
            )
        ticket._require_active("accept a hand-over")
        old, ticket.assignee_id = ticket.assignee_id, owner.id
        self.status, self.accepted_at = HandoverStatus.ACCEPTED, at
        self.accepted_by_id, self.accepted_by, self.assignee_id = by.id, by.name, owner.id
        ticket._record(
            "ticket.handover_accepted",
            by,
            at,
            changes={
                "assignee_id": [old, owner.id],
                "from_region_id": self.from_region_id,
                "to_region_id": self.to_region_id,
            },
        )


def check_note(note: str) -> str:
    note = note.strip()
    if not note:
        raise InvalidInputError("a hand-over note says something", field="note")
    if len(note) > MAX_NOTE:
        raise InvalidInputError(f"a note has at most {MAX_NOTE} characters", field="note")
    return note


def supersede_earlier(handovers: Iterable[Handover], newest: Handover) -> None:
    for handover in handovers:
        if handover is not newest and handover.editable:
            handover.status = HandoverStatus.SUPERSEDED


# -- drafting the note ----------------------------------------------------------------------

_WAITING_ON = {
    Status.PENDING_CUSTOMER: "the customer",
    Status.PENDING_INTERNAL: "another team inside the desk",
    Status.ON_HOLD: "nothing for now: the ticket is on hold",
}


def waiting_on(ticket: Ticket) -> str:
    if ticket.escalation_state is PacketStatus.AWAITING:
        return f"level {ticket.tier.label} to accept the escalation"
    return _WAITING_ON.get(ticket.status, "us: the next move is the desk's")


def next_step(ticket: Ticket, packet: PacketContent) -> str:
    """What the next engineer does first, read off the packet: an open step, an open question,
    else the customer's latest message."""
    if ticket.status is Status.PENDING_CUSTOMER:
        asked = packet.open_questions[-1] if packet.open_questions else "the last reply"
        return f"Watch for the customer's answer to: {asked}"
    untried = [s.step for s in packet.steps_tried if not s.result]
    if untried:
        return f"Follow up on: {untried[-1]}"
    if packet.hypotheses:
        return f"Check the hypothesis: {packet.hypotheses[-1]}"
    return "Answer the customer's latest message."


def _clock_line(clock: Clock, now: datetime) -> str:
    if clock.due_at is None:
        return f"{clock.kind}: no due time"
    due = clock.due_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if clock.paused:
        return f"{clock.kind}: paused (was due {due})"
    if clock.breached or clock.due_at <= now:
        return f"{clock.kind}: breached (was due {due})"
    return f"{clock.kind}: due {due}"


def draft_note(
    ticket: Ticket,
    packet: PacketContent,
    clocks: Iterable[Clock],
    assignee: str,
    now: datetime,
) -> str:
    """The hand-over note: state, next step, waiting on whom, SLA clocks, then the packet."""
    clock_lines = [_clock_line(c, now) for c in clocks]
    lines = [
        f"State: {ticket.status}, {ticket.priority}, level {ticket.tier.label}, with {assignee}",
        f"Next step: {next_step(ticket, packet)}",
        f"Waiting on: {waiting_on(ticket)}",
        "SLA clocks: " + ("; ".join(clock_lines) if clock_lines else "none running"),
        "",
        packet.summary(),
    ]
    return "\n".join(lines)[:MAX_NOTE]
