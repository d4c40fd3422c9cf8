"""Routing in action: new tickets leave intake for a queue and an agent, escalated and bounced
tickets move to the queue of their new level, and every decision is recorded with its why.

The handlers run inside the transaction that raised the event (``services/handlers.py``), so a
ticket is never stored opened-but-unrouted. Decisions are pure functions in ``domain/routing``;
this module gathers their facts and records the result with ``Ticket.route_to``. Routing reads
its configuration (the rules, queues, levels and plans) from the process's reference cache
(``services/reference_data.py``): one small query for their versions instead of a read of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.levels import EntryRoute, Level, check_entry, check_reachable
from tierdesk.domain.people import Actor, SupportPlan, SystemActor, Tier
from tierdesk.domain.routing import (
    Assignment,
    Queue,
    QueueChoice,
    RoutingRule,
    TicketFacts,
    choose_assignee,
    level_in_queue,
    queue_for_level,
)
from tierdesk.domain.rules import is_rule_made
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError, InvalidTransitionError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services import reference_data
from tierdesk.services.access import access_ticket, require_agent, require_lead
from tierdesk.services.desk import Desk

ROUTER = SystemActor(name="routing")


def _hours(since: datetime, now: datetime) -> float:
    return max((now - since).total_seconds() / 3600, 0.0)


def ticket_facts(
    uow: UnitOfWork, ticket: Ticket, now: datetime, *, status_age: bool = False
) -> TicketFacts:
    """Everything routing and rules look at, read once. ``status_age`` also reads the trail for
    how long the ticket has been in its status (rules need it, routing does not)."""
    names = uow.routing.catalog_names(
        ticket.organisation_id, ticket.product_id, ticket.component_id
    )
    in_status_since = ticket.created_at
    if status_age and ticket.id is not None:
        in_status_since = uow.rules.status_since(ticket.id) or ticket.created_at
    return TicketFacts(
        tier=ticket.tier,
        status=str(ticket.status),
        priority=str(ticket.priority),
        type=str(ticket.type),
        channel=str(ticket.channel),
        queue=ticket.queue,
        tags=tuple(ticket.tags),
        language=ticket.language.lower() if ticket.language else None,
        product_id=ticket.product_id if names.product_key else None,
        product_key=names.product_key,
        product_name=names.product_name,
        component_id=ticket.component_id if names.component_name else None,
        component_name=names.component_name,
        plan=names.plan_key,
        assignee_id=ticket.assignee_id,
        hours_since_creation=_hours(ticket.created_at, now),
        hours_since_update=_hours(ticket.updated_at, now),
        hours_in_status=_hours(in_status_since, now),
    )


def acting_for(event: AuditEvent) -> SystemActor:
    """Who routing acts as. A change a rule made stays the rule's all the way down, so that
    nothing it sets off (this routing included) can trigger rules again."""
    if is_rule_made(event.actor_kind, event.actor_name):
        return SystemActor(name=event.actor_name, id=event.actor_id)
    return ROUTER


def assign_in_queue(uow: UnitOfWork, queue_key: str, tier: Tier, facts: TicketFacts) -> Assignment:
    """Choose a member of the queue (by language, skill, load, then round robin). The queue row
    is locked first, so two processes routing into one queue at once see each other's choice."""
    candidates = uow.routing.candidates(queue_key)
    if candidates is None:
        return Assignment(None, f"nobody assigned: there is no queue {queue_key}")
    return choose_assignee(candidates, tier, facts)


def record_assignment(uow: UnitOfWork, assignment: Assignment, at: datetime) -> None:
    if assignment.agent is not None and assignment.agent.id is not None:
        uow.routing.mark_assigned(assignment.agent.id, at)


@dataclass(frozen=True)
class RoutingConfiguration:
    """What routing a new ticket reads besides the ticket, from the process's reference cache
    (shared by its threads: only read)."""

    rules: list[RoutingRule]
    queues: dict[str, Queue]
    levels: dict[Tier, Level]
    plans: dict[str, SupportPlan]

    @classmethod
    def read(cls, uow: UnitOfWork, desk: Desk) -> RoutingConfiguration:
        cache, versions = desk.reference, uow.reference_versions.current()
        return cls(
            rules=reference_data.routing_rules(cache, uow, versions),
            queues={q.key: q for q in reference_data.queues(cache, uow, versions)},
            levels={level.tier: level for level in reference_data.levels(cache, uow, versions)},
            plans={p.key: p for p in reference_data.plans(cache, uow, versions)},
        )


def _usable(
    config: RoutingConfiguration, queue: Queue | None, facts: TicketFacts, key: str
) -> str | None:
    """Why a rule's queue cannot take a new ticket now (None: it can)."""
    if queue is None or not queue.active:
        return f"queue {key} is missing or inactive"
    level = config.levels.get(queue.tier)
    if level is not None:
        try:
            check_entry(level, EntryRoute.INTAKE)
        except InvalidTransitionError as refusal:
            return refusal.message
    if facts.plan is not None:
        plan = config.plans.get(facts.plan)
        if plan is not None and queue.tier > plan.highest_tier:
            return f"the {plan.name} plan reaches up to {plan.highest_tier.label}"
    return None


def queue_for_placing(
    uow: UnitOfWork, key: str, current: Tier, organisation_id: int, ticket: str
) -> tuple[Queue, Tier | None]:
    """The queue a person or a rule names for a ticket now at ``current``, and the level the
    ticket lands at (``domain.routing.level_in_queue``). Out of intake the level's entry rule
    and the customer's plan apply, as they do to routing rules."""
    queue = uow.queues.get(key.strip().lower())
    if queue is None or not queue.active:
        raise InvalidInputError(f"queue {key} is missing or inactive", field="queue")
    tier = level_in_queue(current, queue, ticket)
    if tier is not None:
        level = uow.levels.get(tier)
        if level is not None:
            check_entry(level, EntryRoute.INTAKE)
        organisation = uow.organisations.get(organisation_id)
        plan = uow.organisations.plan_by_id(organisation.plan_id) if organisation else None
        if plan is not None:
            check_reachable(tier, plan.name, plan.highest_tier)
    return queue, tier


def place_in_queue(
    uow: UnitOfWork, ticket: Ticket, key: str, why: str, by: Actor, at: datetime
) -> None:
    """Put a ticket in a queue by hand (the API's PATCH) or by a rule's *set queue*."""
    number = ticket.number or f"ticket {ticket.id}"
    queue, tier = queue_for_placing(uow, key, ticket.tier, ticket.organisation_id, number)
    ticket.route_to(queue.key, tier, None, why, by, at)


@dataclass(frozen=True)
class _Target:
    queue: Queue
    assign: bool
    why: str


def _target_for_new_ticket(
    config: RoutingConfiguration,
    ticket: Ticket,
    event: AuditEvent,
    facts: TicketFacts,
    rules: list[RoutingRule],
) -> tuple[_Target | None, list[str], bool]:
    """The queue a new ticket goes to, the rules passed over on the way, and whether routing
    is configured at all (no enabled rule and no queue named by an agent: nothing to decide)."""
    queues = config.queues
    named = queues.get(ticket.queue) if ticket.queue else None
    # An agent opening a ticket into a queue has routed it by hand; a customer cannot pick one.
    if named is not None and event.actor_kind == "agent":
        problem = _usable(config, named, facts, named.key)
        if problem is None:
            return _Target(named, True, f"queue {named.key} chosen by {event.actor_name}"), [], True
    passed: list[str] = []
    for rule in rules:
        if not rule.conditions.matches(facts):
            continue
        queue = queues.get(rule.queue)
        problem = _usable(config, queue, facts, rule.queue)
        if problem is not None or queue is None:
            passed.append(f"rule {_name(rule)} matched but {problem}")
            continue
        why = f"rule {_name(rule)} matched ({rule.conditions.describe(facts)}) → {queue.key}"
        return _Target(queue, rule.assign, why), passed, True
    return None, passed, bool(rules)


def _name(rule: RoutingRule) -> str:
    return f"{rule.name!r} (#{rule.id})"


def read_ahead_new_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, _event: AuditEvent) -> None:
    """What routing a new ticket reads, before the first write (handlers.READ_AHEAD): the
    catalogue names its facts need, and its configuration with the versions that say the
    process's copy is current (reloaded here if it is not). The versions then stand for the
    rest of the transaction: a change an admin commits in the milliseconds between applies from
    the next ticket on, as the SLA policy and the rules read ahead do."""
    if ticket.tier is Tier.L0 and ticket.status.is_active:
        uow.routing.catalog_names(ticket.organisation_id, ticket.product_id, ticket.component_id)
        uow.reference_versions.read_ahead()
        RoutingConfiguration.read(uow, desk)


def route_new_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """Out of intake: to the first matching rule's queue (and its level), assigned there by
    skill, language and load. No match: the ticket stays at L0 for a person, recorded too."""
    if ticket.tier is not Tier.L0 or not ticket.status.is_active:
        return
    config = RoutingConfiguration.read(uow, desk)
    rules = [r for r in config.rules if r.enabled]
    if not rules and not (ticket.queue and event.actor_kind == "agent"):
        return  # routing is not configured: intake people route by hand
    now = desk.clock.now()
    facts = ticket_facts(uow, ticket, now)
    target, passed, configured = _target_for_new_ticket(config, ticket, event, facts, rules)
    if not configured:
        return
    passed_note = f" ({'; '.join(passed)})" if passed else ""
    actor = acting_for(event)
    if target is None:
        why = (
            f"no routing rule matched {facts.describe()}{passed_note}; "
            "stays at L0 intake for a person to route"
        )
        ticket.route_to(ticket.queue, None, None, why, actor, now)
        return
    queue = target.queue
    assignment = (
        assign_in_queue(uow, queue.key, queue.tier, facts)
        if target.assign
        else Assignment(None, "the rule routes without assigning")
    )
    why = f"{target.why} ({queue.tier.label}){passed_note}; {assignment.why}"
    ticket.route_to(queue.key, queue.tier, assignment.agent, why, actor, now)
    record_assignment(uow, assignment, now)


def _previous_queue(uow: UnitOfWork, ticket: Ticket, queues: list[Queue]) -> Queue | None:
    """The last queue the ticket sat in at its current level (before it was escalated)."""
    assert ticket.id is not None
    by_key = {q.key: q for q in queues if q.active and q.tier == ticket.tier}
    found = None
    for event in uow.audit.for_ticket(ticket.id, public_only=False):
        moved = event.changes.get("queue") if event.action in _QUEUE_MOVES else None
        if isinstance(moved, list) and len(moved) == 2 and moved[1] in by_key:
            found = by_key[moved[1]]
    return found


_QUEUE_MOVES = ("ticket.routed", "ticket.updated")


def route_between_levels(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """To the queue of the ticket's new level for its product area. Nobody is assigned: after
    an escalation a member takes the ticket by accepting it; after a bounce it goes back to
    whoever escalated it (the escalation contract decides that, not routing)."""
    if not ticket.status.is_active:
        return
    queues = [q for q in uow.queues.all() if q.active]
    if not queues:
        return  # no queues configured: levels alone organise the work
    now = desk.clock.now()
    facts = ticket_facts(uow, ticket, now)
    moved = "escalated" if event.action == "ticket.escalated" else "handed back"
    choice: QueueChoice | None = None
    if event.action == "ticket.de_escalated":
        previous = _previous_queue(uow, ticket, queues)
        if previous is not None:
            choice = QueueChoice(previous, f"{previous.key}, where it was before the escalation")
    if choice is None:
        choice = queue_for_level(queues, ticket.tier, facts)
    key = choice.queue.key if choice.queue else None
    why = f"{moved} to {ticket.tier.label}: {choice.why}"
    if choice.queue is None:
        why += f"; it waits at {ticket.tier.label} outside any queue"
    ticket.route_to(key, None, None, why, acting_for(event), now)


@dataclass(frozen=True)
class RoutingView:
    ticket: Ticket
    decisions: list[AuditEvent]


def routing_decisions(desk: Desk, actor: Actor, reference: int | str) -> RoutingView:
    """Where the ticket sits now and every routing decision on it, with its why."""
    require_agent(actor, "read routing decisions")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        events = uow.audit.for_ticket(ticket.id, public_only=False)
    return RoutingView(ticket, [e for e in events if e.action == "ticket.routed"])


@dataclass(frozen=True)
class RuleTrial:
    """What one routing rule would do with a ticket if it arrived now (nothing is changed)."""

    ticket: Ticket
    rule: RoutingRule
    matches: bool
    why: str
    queue: Queue | None  # where the rule would send it (None: no match or the queue can't take it)
    winner: RoutingRule | None  # the rule that would route it, trying every enabled rule in order


def try_routing_rule(desk: Desk, actor: Actor, rule_id: int, reference: int | str) -> RuleTrial:
    """The rule's conditions against the ticket's facts, the way ``route_new_ticket`` tries
    them, read-only: nothing is stored and the ticket stays where it is."""
    require_lead(actor, "test routing rules")
    with desk.uow() as uow:
        rule = uow.routing.rule(rule_id)
        if rule is None:
            raise NotFoundError(f"routing rule {rule_id} not found")
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        facts = ticket_facts(uow, ticket, desk.clock.now())
        config = RoutingConfiguration.read(uow, desk)
        queues = config.queues

        def usable(candidate: RoutingRule) -> str | None:
            return _usable(config, queues.get(candidate.queue), facts, candidate.queue)

        winner = next(
            (
                r
                for r in config.rules
                if r.enabled and r.conditions.matches(facts) and usable(r) is None
            ),
            None,
        )
        matches = rule.conditions.matches(facts)
        problem = usable(rule) if matches else None
        if not matches:
            why = "no match: " + "; ".join(rule.conditions.mismatches(facts))
        elif problem is not None:
            why = f"matches ({rule.conditions.describe(facts)}) but {problem}"
        else:
            why = f"matches ({rule.conditions.describe(facts)}) → {rule.queue}"
        queue = queues.get(rule.queue) if matches and problem is None else None
        return RuleTrial(ticket, rule, matches, why, queue, winner)
