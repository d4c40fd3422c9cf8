"""Service-level agreements: policies, per-level targets, and the clocks that run on a ticket.

A ticket carries one :class:`Deadline` per clock: first response, next response and resolution
(what the customer's plan promises), level pickup and level hand-off (what each support level
promises internally). A clock starts, may pause (while the ticket waits on the customer: the
customer-facing ones and the level's hand-off, see ``ClockKind.pauses_while_pending_customer``)
and resume, and ends either met or stopped (it no longer applies). Its due time
is business time on a calendar: ``target`` business minutes after the start, plus however much
business time it spent paused. The warning comes ``warn_before`` business minutes earlier.

Pure: the services load policies and calendars and call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.calendars import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
)
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import SystemActor, Tier
from tierdesk.domain.tickets import Priority, Ticket
from tierdesk.errors import InvalidInputError

# The longest target a policy may set: a year of minutes. Longer is a typo, not a promise.
MAX_TARGET_MINUTES = 366 * 24 * 60


class ClockKind(StrEnum):
    FIRST_RESPONSE = "first-response"
    NEXT_RESPONSE = "next-response"
    RESOLUTION = "resolution"
    LEVEL_PICKUP = "level-pickup"  # until someone at the level takes the ticket
    LEVEL_HANDOFF = "level-handoff"  # until the level solves the ticket or hands it on

    @property
    def customer_facing(self) -> bool:
        """Promised to the customer: paused while the ticket waits on them."""
        return self in CUSTOMER_CLOCKS

    @property
    def per_level(self) -> bool:
        return not self.customer_facing

    @property
    def pauses_while_pending_customer(self) -> bool:
        """Stands still while the ball is in the customer's court (status pending-customer).

        The customer clocks do, as the plan promises; so does the level's hand-off: a level
        cannot solve or hand on a ticket while it waits for the customer's answer, so that time
        is not the level's. The pickup keeps running: a ticket nobody at its level has taken
        still needs an owner, whoever it waits on."""
        return self in PAUSED_WHILE_PENDING_CUSTOMER


CUSTOMER_CLOCKS = frozenset(
    {ClockKind.FIRST_RESPONSE, ClockKind.NEXT_RESPONSE, ClockKind.RESOLUTION}
)
PAUSED_WHILE_PENDING_CUSTOMER = CUSTOMER_CLOCKS | {ClockKind.LEVEL_HANDOFF}


class BreachAction(StrEnum):
    """What a breach does besides notifying the assignee and the leads."""

    NOTIFY = "notify"
    RAISE_PRIORITY = "raise-priority"
    ESCALATE = "escalate"


def check_minutes(value: int, what: str, *, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if not low <= value <= MAX_TARGET_MINUTES:
        raise InvalidInputError(
            f"{what} must be between {low} and {MAX_TARGET_MINUTES} minutes", field=what
        )
    return value


@dataclass(eq=False)
class SlaPolicy:
    """The targets for tickets of one priority from organisations on one support plan."""

    priority: Priority
    plan_id: int
    calendar_id: int
    first_response_minutes: int
    next_response_minutes: int
    resolution_minutes: int
    warn_before_minutes: int
    breach_action: BreachAction = BreachAction.NOTIFY
    id: int | None = None

    def __post_init__(self) -> None:
        for kind in CUSTOMER_CLOCKS:
            check_minutes(self.target_for(kind), f"{kind.replace('-', '_')}_minutes")
        check_minutes(self.warn_before_minutes, "warn_before_minutes", allow_zero=True)

    def target_for(self, kind: ClockKind) -> int:
        return {
            ClockKind.FIRST_RESPONSE: self.first_response_minutes,
            ClockKind.NEXT_RESPONSE: self.next_response_minutes,
            ClockKind.RESOLUTION: self.resolution_minutes,
        }[kind]


@dataclass(eq=False)
class LevelTarget:
    """What a support level promises: time to pick a ticket up, time to solve or hand it on.
    ``calendar_id`` None means "on the calendar of the ticket's own SLA policy"."""

    tier: Tier
    pickup_minutes: int
    handoff_minutes: int
    warn_before_minutes: int
    breach_action: BreachAction = BreachAction.NOTIFY
    calendar_id: int | None = None

    def __post_init__(self) -> None:
        check_minutes(self.pickup_minutes, "pickup_minutes")
        check_minutes(self.handoff_minutes, "handoff_minutes")
        check_minutes(self.warn_before_minutes, "warn_before_minutes", allow_zero=True)

    def target_for(self, kind: ClockKind) -> int:
        return {
            ClockKind.LEVEL_PICKUP: self.pickup_minutes,
            ClockKind.LEVEL_HANDOFF: self.handoff_minutes,
        }[kind]


@dataclass(eq=False)
class Deadline:
    """One clock on one ticket. ``paused_seconds`` is business time spent paused so far."""

    ticket_id: int
    kind: ClockKind
    calendar_id: int
    target_minutes: int
    warn_before_minutes: int
    breach_action: BreachAction
    started_at: datetime
    due_at: datetime | None = None
    warn_at: datetime | None = None
    tier: Tier | None = None
    policy_id: int | None = None
    paused_since: datetime | None = None
    paused_seconds: int = 0
    met_at: datetime | None = None
    stopped_at: datetime | None = None
    warned_at: datetime | None = None
    breached_at: datetime | None = None
    id: int | None = None

    @property
    def running(self) -> bool:
        return self.met_at is None and self.stopped_at is None

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    @property
    def state(self) -> str:
        if self.met_at is not None:
            return "met"
        if self.stopped_at is not None:
            return "stopped"
        return "paused" if self.paused else "running"

    def is_breached(self, now: datetime) -> bool:
        """Breached: the sweep fired, or it is running past its due time right now, or it was
        met after its due time."""
        if self.breached_at is not None:
            return True
        if self.due_at is None:
            return False
        if self.met_at is not None:
            return self.met_at > self.due_at
        return self.running and self.due_at <= now

    # -- changes -------------------------------------------------------------------------------

    def schedule(self, calendar: BusinessCalendar) -> None:
        """Work out due and warning times from the start, the target and the time paused."""
        if self.paused:
            self.due_at = self.warn_at = None
            return
        paused = timedelta(seconds=self.paused_seconds)
        target = timedelta(minutes=self.target_minutes)
        self.due_at = add_business_time(calendar, self.started_at, target + paused)
        warn = timedelta(minutes=self.warn_before_minutes)
        self.warn_at = add_business_time(
            calendar, self.started_at, max(target - warn, _ZERO) + paused
        )

    def pause(self, at: datetime) -> None:
        if self.running and not self.paused:
            self.paused_since = at
            self.due_at = self.warn_at = None

    def resume(self, calendar: BusinessCalendar, at: datetime) -> None:
        if not self.paused:
            return
        assert self.paused_since is not None
        spent = business_time_between(calendar, self.paused_since, max(at, self.paused_since))
        self.paused_seconds += round(spent.total_seconds())
        self.paused_since = None
        self.schedule(calendar)

    def meet(self, calendar: BusinessCalendar, at: datetime) -> None:
        if not self.running:
            return
        self.resume(calendar, at)
        self.met_at = at

    def stop(self, calendar: BusinessCalendar, at: datetime) -> None:
        if not self.running:
            return
        self.resume(calendar, at)
        self.stopped_at = at

    def retarget(
        self,
        calendar: BusinessCalendar,
        target_minutes: int,
        warn_before_minutes: int,
        breach_action: BreachAction,
        policy_id: int | None,
    ) -> None:
        """New targets (the priority changed): due and warning times move; a warning or breach
        that already fired stays fired, so nothing fires twice."""
        self.target_minutes = check_minutes(target_minutes, "target_minutes")
        self.warn_before_minutes = warn_before_minutes
        self.breach_action = breach_action
        self.policy_id = policy_id
        self.calendar_id = calendar.id if calendar.id is not None else self.calendar_id
        self.schedule(calendar)

    def business_time_left(self, calendar: BusinessCalendar, now: datetime) -> timedelta | None:
        """Business time until due (negative once late); None when paused or ended."""
        if not self.running or self.due_at is None:
            return None
        return business_time_between(calendar, now, self.due_at)


_ZERO = timedelta(0)


def start_deadline(
    kind: ClockKind,
    *,
    ticket_id: int,
    calendar: BusinessCalendar,
    target_minutes: int,
    warn_before_minutes: int,
    breach_action: BreachAction,
    at: datetime,
    tier: Tier | None = None,
    policy_id: int | None = None,
    pending_customer: bool = False,
) -> Deadline:
    """A new clock from ``at``. On a ticket already waiting on the customer (a level reached
    while pending-customer), a clock that pauses for that starts paused."""
    if calendar.id is None:
        raise InvalidInputError("the calendar must be stored before clocks run on it")
    if kind.per_level and tier is None:
        raise InvalidInputError(f"a {kind} clock belongs to a level", field="tier")
    deadline = Deadline(
        ticket_id=ticket_id,
        kind=kind,
        calendar_id=calendar.id,
        target_minutes=check_minutes(target_minutes, "target_minutes"),
        warn_before_minutes=warn_before_minutes,
        breach_action=breach_action,
        started_at=at,
        tier=tier if kind.per_level else None,
        policy_id=policy_id,
    )
    deadline.schedule(calendar)
    if pending_customer and kind.pauses_while_pending_customer:
        deadline.pause(at)
    return deadline


def raised_priority(priority: Priority) -> Priority | None:
    """The next more urgent priority, or None at the top."""
    order = list(Priority)  # P1 first
    index = order.index(priority)
    return order[index - 1] if index > 0 else None


def describe_clock(deadline: Deadline) -> str:
    """``"first response"`` or ``"L2 pickup"``, for messages and notes."""
    if deadline.tier is not None:
        return f"{deadline.tier.label} {deadline.kind.removeprefix('level-')}"
    return deadline.kind.replace("-", " ")


def sla_event(
    action: str,
    deadline: Deadline,
    at: datetime,
    *,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """An audit event of the desk itself about a clock (``sla.warned``, ``sla.breached``…)."""
    facts: dict[str, Any] = {
        "clock": str(deadline.kind),
        "due_at": deadline.due_at.isoformat() if deadline.due_at else None,
        "target_minutes": deadline.target_minutes,
    }
    if deadline.tier is not None:
        facts["tier"] = int(deadline.tier)
    event = audit_event(
        "ticket",
        action,
        SystemActor(name="SLA"),
        at,
        changes={**facts, **(changes or {})},
        reason=reason,
    )
    event.ticket_id = event.subject_id = deadline.ticket_id
    return event


def breach_handoff_note(ticket: Ticket, deadline: Deadline, at: datetime) -> str:
    """The hand-off note of an escalation the SLA sweep makes: what the ticket is, what is
    late, and the last word of each side, so the next level can start without digging."""
    due = deadline.due_at.isoformat(timespec="minutes") if deadline.due_at else "unknown"
    lines = [
        f"Escalated by the SLA sweep at {at.isoformat(timespec='minutes')}: the "
        f"{describe_clock(deadline)} target ({deadline.target_minutes} business minutes) "
        f"was due {due} and was missed.",
        f"Ticket: {ticket.subject} ({ticket.priority}, {ticket.type}, status {ticket.status}, "
        f"at {ticket.tier.label}, {len(ticket.messages)} messages).",
    ]
    for kind, label in (
        (MessageKind.CUSTOMER, "Last customer message"),
        (MessageKind.PUBLIC_REPLY, "Last reply to the customer"),
        (MessageKind.INTERNAL_NOTE, "Last internal note"),
    ):
        last = next((m for m in reversed(ticket.messages) if m.kind is kind), None)
        if last is not None:
            excerpt = " ".join(last.body_text.split())
            excerpt = excerpt if len(excerpt) <= 400 else excerpt[:400] + " …"
            lines.append(f"{label} ({last.created_at.isoformat(timespec='minutes')}): {excerpt}")
    if not any(m.kind is not MessageKind.CUSTOMER for m in ticket.messages):
        lines.append("Nobody at the desk has written on this ticket yet.")
    return "\n".join(lines)
