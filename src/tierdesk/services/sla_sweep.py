"""The SLA sweep: warns before clocks run out and acts when they have, each exactly once.

Every firing is its own transaction that starts by claiming the clock with a conditional
UPDATE (``mark_warned`` / ``mark_breached``). Only the sweep whose UPDATE changed the row goes
on to act, so two sweeps running at once (two workers, a worker and ``tierdesk sla sweep``)
never fire the same warning or breach twice, and a sweep run again finds nothing left to do.

A warning notifies the assignee (the leads when nobody has the ticket). A breach notifies the
assignee and the leads and then does the clock's ``breach_action``: ``raise-priority`` moves the
ticket one priority up, ``escalate`` hands it to the next level with a generated hand-off note.
When the action cannot be done (already P1, the plan reaches no higher level, the ticket is at
L4) the breach still notifies and the trail says why nothing more happened. Every firing is an
audit event on the ticket (``sla.warned``, ``sla.breached``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tierdesk.domain.people import SystemActor, Tier
from tierdesk.domain.sla import (
    BreachAction,
    Deadline,
    breach_handoff_note,
    describe_clock,
    raised_priority,
    sla_event,
)
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import TierdeskError
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk
from tierdesk.services.escalation import packet_draft, record_escalation
from tierdesk.services.jobs import TASKS
from tierdesk.services.notifications import leads, notify_agents

logger = logging.getLogger(__name__)

SLA_ACTOR = SystemActor(name="SLA")
SWEEP_BATCH = 500  # clocks looked at per kind and round; the next minute takes the rest


@dataclass(frozen=True)
class SweepResult:
    warned: int = 0
    breached: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(self.warned + other.warned, self.breached + other.breached)


def sweep_deadlines(
    desk: Desk, *, since: datetime | None = None, limit: int = SWEEP_BATCH
) -> SweepResult:
    """Fire every warning and breach that is due now; returns how many this sweep fired.

    ``since`` is when the last completed sweep ran: a clock whose warning time came after
    then but which ran out before this sweep (no sweep ran in between, say under a backlog)
    still gets its warning, just before its breach. Without it only clocks still running
    before their due time are warned."""
    now = desk.clock.now()
    with desk.uow() as uow:
        warning = [d.id for d in uow.deadlines.to_warn(now, limit, since)]
        breaching = [d.id for d in uow.deadlines.to_breach(now, limit)]
    # Warnings first: a late warning must claim its clock before the breach marks it breached.
    warned = sum(_fire_warning(desk, d, now) for d in warning if d is not None)
    breached = sum(_fire_breach(desk, d, now) for d in breaching if d is not None)
    if breached or warned:
        logger.info("SLA sweep: %s warnings, %s breaches", warned, breached)
    return SweepResult(warned=warned, breached=breached)


def _ticket(uow: UnitOfWork, deadline: Deadline) -> Ticket:
    ticket = uow.tickets.get(deadline.ticket_id)
    assert ticket is not None  # the foreign key guarantees it
    return ticket


def _when(deadline: Deadline) -> str:
    return deadline.due_at.isoformat(timespec="minutes") if deadline.due_at else "now"


def _fire_warning(desk: Desk, deadline_id: int, now: datetime) -> bool:
    with desk.uow() as uow:
        if not uow.deadlines.mark_warned(deadline_id, now):
            return False  # another sweep warned first, or the clock ended or paused meanwhile
        deadline = uow.deadlines.get(deadline_id)
        assert deadline is not None
        ticket = _ticket(uow, deadline)
        clock = describe_clock(deadline)
        recipients = [ticket.assignee_id] if ticket.assignee_id else [a.id for a in leads(uow)]
        due = "was" if deadline.due_at is not None and deadline.due_at <= now else "is"
        notes = notify_agents(
            uow,
            recipients,
            kind="sla.warning",
            text=f"{ticket.number}: the {clock} target {due} due {_when(deadline)} "
            f"({ticket.priority}, {ticket.subject})",
            at=now,
            ticket_id=ticket.id,
            details=_details(deadline),
        )
        ticket.pending_events.append(
            sla_event(
                "sla.warned",
                deadline,
                now,
                changes={"notified": [n.agent_id for n in notes]},
            )
        )
        uow.commit()
    return True


def _fire_breach(desk: Desk, deadline_id: int, now: datetime) -> bool:
    with desk.uow() as uow:
        if not uow.deadlines.mark_breached(deadline_id, now):
            return False
        deadline = uow.deadlines.get(deadline_id)
        assert deadline is not None
        ticket = _ticket(uow, deadline)
        clock = describe_clock(deadline)
        recipients = [ticket.assignee_id, *(a.id for a in leads(uow))]
        notes = notify_agents(
            uow,
            recipients,
            kind="sla.breach",
            text=f"{ticket.number}: the {clock} target was due {_when(deadline)} and is "
            f"breached ({ticket.priority}, {ticket.subject})",
            at=now,
            ticket_id=ticket.id,
            details=_details(deadline),
        )
        outcome, do_action = _plan_action(uow, ticket, deadline)
        reason = f"SLA breach: the {clock} target was due {_when(deadline)}"
        event = sla_event(
            "sla.breached",
            deadline,
            now,
            changes={
                "action": str(deadline.breach_action),
                "outcome": outcome,
                "notified": [n.agent_id for n in notes],
            },
            reason=reason,
        )
        ticket.pending_events.append(event)  # before the action's own event, as it happened
        if do_action:
            try:
                _act(uow, ticket, deadline, reason, now)
            except TierdeskError as refused:
                # The breach stays recorded (and notified) even when the ticket refuses the
                # action; retrying it every minute would not change the ticket's mind.
                outcome = event.changes["outcome"] = f"notified; {refused.message}"
        uow.commit()
    logger.info("SLA breach on %s (%s): %s", ticket.number, clock, outcome)
    return True


def _plan_action(uow: UnitOfWork, ticket: Ticket, deadline: Deadline) -> tuple[str, bool]:
    """What the breach will do beyond notifying, and whether it can."""
    action = deadline.breach_action
    if action is BreachAction.NOTIFY:
        return "notified", False
    if not ticket.status.is_active or ticket.status is Status.SOLVED:
        return f"notified; cannot {action} a {ticket.status} ticket", False
    if action is BreachAction.RAISE_PRIORITY:
        higher = raised_priority(ticket.priority)
        if higher is None:
            return f"notified; {ticket.priority} is the highest priority already", False
        return f"priority raised from {ticket.priority} to {higher}", True
    organisation = uow.organisations.get(ticket.organisation_id)
    plan = uow.organisations.plan_by_id(organisation.plan_id) if organisation else None
    ceiling = plan.highest_tier if plan else Tier.L4
    if ticket.tier >= min(ceiling, Tier.L4):
        return f"notified; {ticket.tier.label} is the highest level this ticket may reach", False
    return f"escalated from {ticket.tier.label} to {Tier(ticket.tier + 1).label}", True


def _act(uow: UnitOfWork, ticket: Ticket, deadline: Deadline, reason: str, now: datetime) -> None:
    if deadline.breach_action is BreachAction.RAISE_PRIORITY:
        higher = raised_priority(ticket.priority)
        assert higher is not None
        ticket.change_priority(higher, SLA_ACTOR, now, reason)
    elif deadline.breach_action is BreachAction.ESCALATE:
        # The receiving level gets the packet the desk drafts from the thread, with the breach
        # itself as the first open question, and accepts or bounces it like any other.
        packet = packet_draft(uow, ticket)
        packet.open_questions = [breach_handoff_note(ticket, deadline, now), *packet.open_questions]
        record_escalation(uow, ticket, Tier(ticket.tier + 1), reason, packet, SLA_ACTOR, now)


def _details(deadline: Deadline) -> dict[str, Any]:
    return {
        "clock": str(deadline.kind),
        "tier": int(deadline.tier) if deadline.tier is not None else None,
        "due_at": deadline.due_at.isoformat() if deadline.due_at else None,
        "deadline_id": deadline.id,
    }


@TASKS.every(timedelta(minutes=1), name="sla.sweep")
def sweep_task(desk: Desk, payload: dict[str, Any]) -> None:
    """The periodic job: one sweep a minute, shared by every worker, looking back to when the
    last completed sweep was due (a minute skipped under a backlog loses no warning)."""
    since = payload.get("since")
    sweep_deadlines(desk, since=datetime.fromisoformat(since) if isinstance(since, str) else None)
