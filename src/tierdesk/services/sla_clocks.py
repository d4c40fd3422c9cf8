"""The SLA clocks follow the ticket: event handlers, run inside the committing transaction.

- ``ticket.opened`` starts first response and resolution (the policy of priority x plan), and
  the level it opens at starts its pickup and hand-off clocks.
- ``message.added``: a public reply meets first and next response; a customer message starts
  next response unless a response is owed already.
- ``ticket.status_changed``: into pending-customer pauses the customer clocks (first and next
  response, resolution) and the level's hand-off, out of it resumes them (a level reached while
  the ticket waits starts its hand-off paused); solved meets resolution and the level's
  hand-off and stops the rest; reopening starts resolution and the level's clocks again; closed
  stops everything, as does ``ticket.merged_into``.
- ``ticket.priority_changed``: running customer clocks take the new policy's targets.
- ``ticket.escalated`` / ``de_escalated`` / ``routed`` to another level: the old level's
  hand-off is met and its pickup stopped; the new level's pickup and hand-off start.
- ``ticket.assigned``, ``ticket.routed`` with an assignee, ``escalation.accepted`` and
  ``escalation.bounced`` back to an agent meet the level's pickup; unassigning starts it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.calendars import BusinessCalendar
from tierdesk.domain.people import ActorKind, Tier
from tierdesk.domain.sla import (
    CUSTOMER_CLOCKS,
    ClockKind,
    Deadline,
    SlaPolicy,
    start_deadline,
)
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import ConfigurationError
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk

_PENDING = str(Status.PENDING_CUSTOMER)


class _Clocks:
    """The running clocks of one ticket while one event is handled, with lookups cached."""

    def __init__(self, uow: UnitOfWork, ticket: Ticket) -> None:
        assert ticket.id is not None
        self.uow, self.ticket, self.ticket_id = uow, ticket, ticket.id
        self._calendars: dict[int, BusinessCalendar] = {}
        self._policy: tuple[SlaPolicy | None] | None = None  # looked up once, when first needed
        self.running = uow.deadlines.running_for_tickets([ticket.id])[ticket.id]
        self._starting: list[Deadline] | None = None  # while started together (``together``)

    def calendar(self, calendar_id: int) -> BusinessCalendar:
        if calendar_id not in self._calendars:
            calendar = self.uow.calendars.get(calendar_id)
            if calendar is None:
                raise ConfigurationError(f"SLA calendar {calendar_id} is missing")
            self._calendars[calendar_id] = calendar
        return self._calendars[calendar_id]

    def policy(self) -> SlaPolicy | None:
        if self._policy is None:
            organisation = self.uow.organisations.get(self.ticket.organisation_id)
            found = None
            if organisation is not None:
                found = self.uow.sla.policy_for(self.ticket.priority, organisation.plan_id)
            self._policy = (found,)
        return self._policy[0]

    @contextmanager
    def together(self) -> Iterator[None]:
        """The clocks started inside the block are stored at its end, in one statement."""
        self._starting = []
        try:
            yield
            self.uow.deadlines.add_all(self._starting)
        finally:
            self._starting = None

    def _add(self, deadline: Deadline) -> None:
        if self._starting is None:
            self.uow.deadlines.add(deadline)
        else:
            self._starting.append(deadline)
        self.running.append(deadline)

    def find(self, kind: ClockKind, tier: Tier | None = None) -> list[Deadline]:
        return [d for d in self.running if d.kind is kind and (tier is None or d.tier == tier)]

    def _store(self, deadline: Deadline) -> None:
        self.uow.deadlines.save(deadline)
        if not deadline.running:
            self.running.remove(deadline)

    def meet(self, kind: ClockKind, at: datetime, tier: Tier | None = None) -> None:
        for deadline in self.find(kind, tier):
            deadline.meet(self.calendar(deadline.calendar_id), at)
            self._store(deadline)

    def stop(self, kind: ClockKind, at: datetime, tier: Tier | None = None) -> None:
        for deadline in self.find(kind, tier):
            deadline.stop(self.calendar(deadline.calendar_id), at)
            self._store(deadline)

    def stop_all(self, at: datetime) -> None:
        for kind in ClockKind:
            self.stop(kind, at)

    def start_customer_clock(self, kind: ClockKind, at: datetime) -> None:
        policy = self.policy()
        if policy is None or self.find(kind):
            return
        deadline = start_deadline(
            kind,
            ticket_id=self.ticket_id,
            calendar=self.calendar(policy.calendar_id),
            target_minutes=policy.target_for(kind),
            warn_before_minutes=policy.warn_before_minutes,
            breach_action=policy.breach_action,
            at=at,
            policy_id=policy.id,
            pending_customer=self.ticket.status is Status.PENDING_CUSTOMER,
        )
        self._add(deadline)

    def start_level_clock(self, kind: ClockKind, tier: Tier, at: datetime) -> None:
        target = self.uow.sla.level_target(tier)
        if target is None or self.find(kind, tier):
            return
        calendar_id = target.calendar_id
        if calendar_id is None:  # the level works to the ticket's own calendar
            policy = self.policy()
            if policy is None:
                return
            calendar_id = policy.calendar_id
        deadline = start_deadline(
            kind,
            ticket_id=self.ticket_id,
            calendar=self.calendar(calendar_id),
            target_minutes=target.target_for(kind),
            warn_before_minutes=target.warn_before_minutes,
            breach_action=target.breach_action,
            at=at,
            tier=tier,
            pending_customer=self.ticket.status is Status.PENDING_CUSTOMER,
        )
        self._add(deadline)

    def arrive(self, tier: Tier, at: datetime, *, assigned: bool) -> None:
        self.start_level_clock(ClockKind.LEVEL_HANDOFF, tier, at)
        if not assigned:
            self.start_level_clock(ClockKind.LEVEL_PICKUP, tier, at)

    def leave(self, tier: Tier, at: datetime) -> None:
        self.meet(ClockKind.LEVEL_HANDOFF, at, tier)
        self.stop(ClockKind.LEVEL_PICKUP, at, tier)


def _tier_change(event: AuditEvent) -> tuple[Tier, Tier] | None:
    value: Any = event.changes.get("tier")
    if isinstance(value, list) and len(value) == 2 and value[0] != value[1]:
        return Tier(value[0]), Tier(value[1])
    return None


def _new_assignee(event: AuditEvent) -> int | None:
    value: Any = event.changes.get("assignee_id")
    if isinstance(value, list):
        value = value[1]
    return int(value) if value is not None else None


def read_ahead_opening(uow: UnitOfWork, _desk: Desk, ticket: Ticket, _event: AuditEvent) -> None:
    """The opening's policy, the level targets (of the level it opens at and of any routing
    may send it to) and their calendars, read before the first write (handlers.READ_AHEAD) into
    the repositories' memos that the clock handlers of the opening read."""
    organisation = uow.organisations.get(ticket.organisation_id)
    policy = uow.sla.policy_for(ticket.priority, organisation.plan_id) if organisation else None
    calendars = {policy.calendar_id} if policy else set()
    for tier in Tier:
        target = uow.sla.level_target(tier)
        if target is not None and target.calendar_id is not None:
            calendars.add(target.calendar_id)
    for calendar_id in calendars:
        uow.calendars.get(calendar_id)


def start_clocks_on_opening(
    uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent
) -> None:
    clocks = _Clocks(uow, ticket)
    with clocks.together():
        clocks.start_customer_clock(ClockKind.FIRST_RESPONSE, event.at)
        clocks.start_customer_clock(ClockKind.RESOLUTION, event.at)
        clocks.arrive(Tier(event.changes.get("tier", ticket.tier)), event.at, assigned=False)


def follow_the_conversation(
    uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent
) -> None:
    kind = event.changes.get("kind")
    if kind == "public-reply" and event.actor_kind == ActorKind.SYSTEM:
        # A reply no person wrote (the answerer's, a rule's, a tracker's notice) is not a
        # response: the clocks keep running, and a customer who answers "no" is still owed one.
        return
    if kind == "public-reply":
        clocks = _Clocks(uow, ticket)
        clocks.meet(ClockKind.FIRST_RESPONSE, event.at)
        clocks.meet(ClockKind.NEXT_RESPONSE, event.at)
    elif kind == "customer":
        clocks = _Clocks(uow, ticket)
        if not clocks.find(ClockKind.FIRST_RESPONSE):  # else a first response is owed already
            clocks.start_customer_clock(ClockKind.NEXT_RESPONSE, event.at)


def follow_the_status(uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    old, new = event.changes["status"]
    clocks, at = _Clocks(uow, ticket), event.at
    waiting = [d for d in clocks.running if d.kind.pauses_while_pending_customer]
    if new == _PENDING:
        for deadline in waiting:
            deadline.pause(at)
            uow.deadlines.save(deadline)
    elif old == _PENDING:
        for deadline in waiting:
            deadline.resume(clocks.calendar(deadline.calendar_id), at)
            uow.deadlines.save(deadline)
    if new == Status.SOLVED:
        clocks.meet(ClockKind.RESOLUTION, at)
        clocks.meet(ClockKind.LEVEL_HANDOFF, at)
        clocks.stop_all(at)  # nothing else is owed on a solved ticket
    elif new == Status.CLOSED:
        clocks.stop_all(at)
    elif old == Status.SOLVED:  # reopened: the work starts again
        clocks.start_customer_clock(ClockKind.RESOLUTION, at)
        clocks.arrive(ticket.tier, at, assigned=ticket.assignee_id is not None)


def stop_clocks_on_merging(uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    _Clocks(uow, ticket).stop_all(event.at)


def retarget_on_priority(uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    clocks = _Clocks(uow, ticket)
    policy = clocks.policy()
    if policy is None:
        return
    calendar = clocks.calendar(policy.calendar_id)
    for deadline in [d for d in clocks.running if d.kind in CUSTOMER_CLOCKS]:
        deadline.retarget(
            calendar,
            policy.target_for(deadline.kind),
            policy.warn_before_minutes,
            policy.breach_action,
            policy.id,
        )
        uow.deadlines.save(deadline)


def follow_the_level(uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    clocks = _Clocks(uow, ticket)
    change = _tier_change(event)
    assignee = _new_assignee(event) if "assignee_id" in event.changes else ticket.assignee_id
    if change is not None:
        clocks.leave(change[0], event.at)
        with clocks.together():
            clocks.arrive(change[1], event.at, assigned=assignee is not None)
    elif assignee is not None:
        clocks.meet(ClockKind.LEVEL_PICKUP, event.at, ticket.tier)


def follow_the_assignee(uow: UnitOfWork, _desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    clocks = _Clocks(uow, ticket)
    change = _tier_change(event)
    tier = change[1] if change else ticket.tier
    if _new_assignee(event) is not None:
        clocks.meet(ClockKind.LEVEL_PICKUP, event.at, tier)
    elif event.action == "ticket.assigned" and ticket.status.is_active:
        clocks.start_level_clock(ClockKind.LEVEL_PICKUP, tier, event.at)
