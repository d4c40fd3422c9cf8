"""How a ticket moves between support levels: escalate, de-escalate, accept, bounce.

Kept apart from ``tickets.py`` so each module stays readable; ``Ticket`` inherits these methods.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from tierdesk.domain.messages import require_text
from tierdesk.domain.people import Actor, Agent, Tier
from tierdesk.domain.ticket_values import Status
from tierdesk.errors import InvalidTransitionError

ESCALATION_AWAITING = "awaiting-acceptance"
ESCALATION_ACCEPTED = "accepted"


class LevelMoves:
    """Mixed into ``Ticket``; the declarations below are the parts of it these methods use."""

    if TYPE_CHECKING:
        number: str | None
        status: Status
        tier: Tier
        assignee_id: int | None
        escalation_state: str | None

        def _record(
            self,
            action: str,
            by: Actor,
            at: datetime,
            *,
            changes: dict[str, Any] | None = None,
            reason: str | None = None,
            public: bool = False,
        ) -> None: ...
        def _require_active(self, action: str) -> None: ...
        def _move_status(
            self, new: Status, by: Actor, at: datetime, reason: str | None
        ) -> None: ...
        def follow(self, agent_id: int) -> None: ...

    def escalate(
        self,
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
        self._change_tier(
            to, reason, handoff_note, by, at, upwards=True, packet_sequence=packet_sequence
        )
        self.escalation_state = ESCALATION_AWAITING

    def de_escalate(
        self, to: Tier, reason: str, handoff_note: str, by: Actor, at: datetime
    ) -> None:
        """Hand the ticket back down, with guidance on what to try."""
        self._change_tier(to, reason, handoff_note, by, at, upwards=False)
        self.escalation_state = None

    def accept_escalation(self, agent: Agent, by: Actor, at: datetime) -> None:
        """The receiving level takes ownership: ``agent`` becomes the assignee."""
        self._require_active("accept_escalation")
        if self.escalation_state != ESCALATION_AWAITING:
            raise InvalidTransitionError(
                f"ticket {self.number} has no escalation waiting to be accepted",
                ticket=self.number,
            )
        old = self.assignee_id
        self.assignee_id, self.escalation_state = agent.id, ESCALATION_ACCEPTED
        self._record(
            "escalation.accepted",
            by,
            at,
            changes={"tier": int(self.tier), "assignee_id": [old, agent.id]},
        )

    def bounce_escalation(
        self,
        to: Tier,
        guidance: str,
        reason: str,
        return_to: Agent | None,
        by: Actor,
        at: datetime,
    ) -> None:
        """The receiving level sends the ticket back down, saying what to try first. The
        ticket goes back to whoever escalated it, when they still work that level."""
        if self.escalation_state not in (ESCALATION_AWAITING, ESCALATION_ACCEPTED):
            raise InvalidTransitionError(
                f"ticket {self.number} did not arrive by escalation; de-escalate it instead",
                ticket=self.number,
            )
        guidance = require_text(guidance, "guidance", max_length=50_000)
        from_tier = self.tier
        self._change_tier(to, reason, guidance, by, at, upwards=False)
        self.escalation_state = None
        if return_to is not None and return_to.works_tier(to) and return_to.active:
            self.assignee_id = return_to.id
        self._record(
            "escalation.bounced",
            by,
            at,
            changes={
                "tier": [int(from_tier), int(to)],
                "guidance": guidance,
                "assignee_id": self.assignee_id,
            },
            reason=reason,
        )

    def record_packet_amended(
        self, sequence: int, revision: int, summary: str, by: Actor, at: datetime
    ) -> None:
        self._record(
            "packet.amended",
            by,
            at,
            changes={"packet": sequence, "revision": revision, "handoff_note": summary},
        )

    def _change_tier(
        self,
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
        self._require_active(action)
        if self.status is Status.SOLVED:
            raise InvalidTransitionError(
                f"ticket {self.number} is solved; reopen it first", ticket=self.number
            )
        if (upwards and to <= self.tier) or (not upwards and to >= self.tier):
            direction = "higher" if upwards else "lower"
            raise InvalidTransitionError(
                f"ticket {self.number} is at {self.tier.label}; {action.replace('_', '-')} "
                f"needs a {direction} level, not {to.label}",
                ticket=self.number,
                tier=int(self.tier),
                requested=int(to),
            )
        reason = require_text(reason, "reason", max_length=5_000)
        note = require_text(note, "handoff_note", max_length=50_000)
        old_tier, old_assignee = self.tier, self.assignee_id
        self.tier, self.assignee_id = to, None
        if isinstance(by, Agent) and by.id is not None:
            self.follow(by.id)
        changes: dict[str, Any] = {
            "tier": [int(old_tier), int(to)],
            "assignee_id": [old_assignee, None],
            "handoff_note": note,
        }
        if packet_sequence is not None:
            changes["packet"] = packet_sequence
        self._record(
            "ticket.escalated" if upwards else "ticket.de_escalated",
            by,
            at,
            changes=changes,
            reason=reason,
        )
        if self.status in (Status.NEW, Status.ON_HOLD, Status.PENDING_INTERNAL):
            self._move_status(Status.OPEN, by, at, reason=f"{action.replace('_', '-')}d")
