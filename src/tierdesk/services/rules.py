"""Automation rules: stored as data, edited by leads and admins, evaluated on ticket events
and by the time sweep, every firing audited on the ticket.

Why a rule can never loop:

1. Whatever a rule changes is recorded by the actor ``rule:<name>``; events by such actors (and
   what other handlers do in reaction, which keeps that actor) never trigger rules.
2. A rule fires at most once per ticket per triggering event: the firing is claimed under a
   unique key (``event:<audit event id>``) in the same transaction as its actions.
3. Within one transaction a rule fires at most once per ticket, whatever chain led back to it.
4. A time rule fires once per ticket per episode: the claim ``episode:<n>`` stays open while the
   condition holds and closes when it stops, so only a new episode can fire it again.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.audit_query import parse_record_id
from tierdesk.domain.imports import TICKET_IMPORTED
from tierdesk.domain.people import Actor
from tierdesk.domain.rule_actions import ActionType, parse_actions
from tierdesk.domain.rules import (
    AutomationRule,
    Trigger,
    condition_to_data,
    evaluate,
    fields_of,
    is_rule_made,
    normalise_events,
    normalise_rule_name,
    parse_condition,
    prefilter,
)
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError
from tierdesk.ports import RuleFiring, UnitOfWork
from tierdesk.services.access import desk_ticket, require_agent, require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.routing import ticket_facts
from tierdesk.services.rule_actions import fire

# -- configuration ----------------------------------------------------------------------------


@dataclass
class NewRule:
    name: str
    condition: dict[str, Any]
    actions: list[dict[str, Any]]
    trigger: Trigger = Trigger.EVENT
    events: list[str] = field(default_factory=list)  # event rules: empty means every event
    description: str = ""
    enabled: bool = True
    position: int | None = None


def _check_references(uow: UnitOfWork, rule: AutomationRule) -> None:
    """Queues and agents the actions name must exist when the rule is saved, and its numbers
    be finite (NaN or infinity compare to nothing, and PostgreSQL's JSON has no word for them;
    a rule stored before this check is read as it is)."""
    try:
        json.dumps(condition_to_data(rule.condition), allow_nan=False)
    except ValueError as exc:
        raise InvalidInputError("a condition's number must be finite", field="condition") from exc
    if rule.trigger is Trigger.TIME and rule.events:
        raise InvalidInputError("time rules run on the sweep, not on events", field="events")
    for action in rule.actions:
        if action.type is ActionType.SET_QUEUE and uow.queues.get(str(action.value)) is None:
            raise InvalidInputError(f"unknown queue {action.value!r}", field="actions")
        assigns_agent = action.type is ActionType.ASSIGN and action.value != "auto"
        if assigns_agent and uow.agents.get(int(action.value or 0)) is None:
            raise InvalidInputError(f"unknown agent {action.value}", field="actions")


def _record(rule: AutomationRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "trigger": rule.trigger.value,
        "events": list(rule.events),
        "condition": rule.describe(),
        "enabled": rule.enabled,
        "position": rule.position,
    }


def _audit(
    uow: UnitOfWork, actor: Actor, action: str, rule: AutomationRule, **changes: Any
) -> None:
    uow.audit.add(
        audit_event("rule", action, actor, rule.updated_at, subject_id=rule.id, changes=changes)
    )


def create_rule(desk: Desk, actor: Actor, new: NewRule) -> AutomationRule:
    require_lead(actor, "create automation rules")
    now = desk.clock.now()
    rule = AutomationRule(
        name=normalise_rule_name(new.name),
        trigger=new.trigger,
        condition=parse_condition(new.condition),
        actions=parse_actions(new.actions),
        created_at=now,
        updated_at=now,
        events=normalise_events(new.events),
        description=new.description.strip(),
        enabled=new.enabled,
    )
    with desk.uow() as uow:
        if uow.rules.get_by_name(rule.name) is not None:
            raise ConflictError(f"rule {rule.name!r} exists already", field="name")
        _check_references(uow, rule)
        existing = uow.rules.all()
        rule.position = (
            new.position
            if new.position is not None
            else max((r.position for r in existing), default=0) + 10
        )
        uow.rules.add(rule)
        _audit(uow, actor, "rule.created", rule, **_record(rule))
        uow.commit()
        return rule


def list_rules(desk: Desk, actor: Actor) -> list[AutomationRule]:
    require_agent(actor, "read automation rules")
    with desk.uow() as uow:
        return uow.rules.all()


def find_rule(uow: UnitOfWork, reference: int | str) -> AutomationRule:
    text = str(reference).strip()
    rule_id = parse_record_id(text)  # an id too large for the column names no rule
    found = uow.rules.get(rule_id) if rule_id is not None else None
    found = found or uow.rules.get_by_name(text)
    if found is None:
        raise NotFoundError(f"rule {reference!r} not found", rule=str(reference))
    return found


def get_rule(desk: Desk, actor: Actor, reference: int | str) -> AutomationRule:
    require_agent(actor, "read automation rules")
    with desk.uow() as uow:
        return find_rule(uow, reference)


@dataclass
class RuleChanges:
    name: str | None = None
    condition: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None
    events: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None
    position: int | None = None


def update_rule(
    desk: Desk, actor: Actor, reference: int | str, changes: RuleChanges
) -> AutomationRule:
    require_lead(actor, "change automation rules")
    with desk.uow() as uow:
        rule = find_rule(uow, reference)
        before = _record(rule)
        if changes.name is not None:
            name = normalise_rule_name(changes.name)
            other = uow.rules.get_by_name(name)
            if other is not None and other.id != rule.id:
                raise ConflictError(f"rule {name!r} exists already", field="name")
            rule.name = name
        if changes.condition is not None:
            rule.condition = parse_condition(changes.condition)
        if changes.actions is not None:
            rule.actions = parse_actions(changes.actions)
        if changes.events is not None:
            rule.events = normalise_events(changes.events)
        if changes.description is not None:
            rule.description = changes.description.strip()
        if changes.enabled is not None:
            rule.enabled = changes.enabled
        if changes.position is not None:
            rule.position = changes.position
        _check_references(uow, rule)
        rule.updated_at = desk.clock.now()
        uow.rules.update(rule)
        after = _record(rule)
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes.actions is not None:
            diff["actions"] = [a.describe() for a in rule.actions]
        _audit(uow, actor, "rule.updated", rule, **diff)
        uow.commit()
        return rule


def move_rule(desk: Desk, actor: Actor, reference: int | str, up: bool) -> AutomationRule:
    """One place earlier (``up``) or later in the order rules run: the rule swaps positions
    with its neighbour, in one transaction (each audited as ``rule.updated``)."""
    require_lead(actor, "change automation rules")
    with desk.uow() as uow:
        rule = find_rule(uow, reference)
        ordered = sorted(uow.rules.all(), key=lambda r: (r.position, r.id or 0))
        at = next(i for i, r in enumerate(ordered) if r.id == rule.id)
        other = at - 1 if up else at + 1
        if not 0 <= other < len(ordered):
            return rule  # first already (or last): nowhere to go
        neighbour = ordered[other]
        if neighbour.position == rule.position:  # a tie is ordered by id: step past it
            moves = [(rule, neighbour.position + (-1 if up else 1))]
        else:
            moves = [(neighbour, rule.position), (rule, neighbour.position)]
        now = desk.clock.now()
        for moved, position in moves:
            _audit(uow, actor, "rule.updated", moved, position=[moved.position, position])
            moved.position, moved.updated_at = position, now
            uow.rules.update(moved)
        uow.commit()
        return rule


def delete_rule(desk: Desk, actor: Actor, reference: int | str) -> None:
    """Remove a rule and the record of where it fired; what it did stays on the tickets'
    trails, and ``rule.deleted`` keeps what it was."""
    require_lead(actor, "delete automation rules")
    with desk.uow() as uow:
        rule = find_rule(uow, reference)
        assert rule.id is not None
        rule.updated_at = desk.clock.now()
        _audit(uow, actor, "rule.deleted", rule, **_record(rule))
        uow.rules.delete(rule.id)
        uow.commit()


def disable_rule(desk: Desk, actor: Actor, reference: int | str) -> AutomationRule:
    return update_rule(desk, actor, reference, RuleChanges(enabled=False))


def rule_firings(
    desk: Desk, actor: Actor, reference: int | str, limit: int = 50
) -> list[RuleFiring]:
    require_lead(actor, "read where rules fired")  # it names tickets across the desk
    with desk.uow() as uow:
        rule = find_rule(uow, reference)
        assert rule.id is not None
        return uow.rules.firings(rule.id, limit)


# -- evaluation on events ---------------------------------------------------------------------

# Rules that fired in a transaction, per ticket: guarantee 3 of the module docstring. Keyed by
# the unit of work, so it lives exactly as long as the transaction does.
_FIRED: weakref.WeakKeyDictionary[UnitOfWork, set[tuple[int, int]]] = weakref.WeakKeyDictionary()


def _fired_in(uow: UnitOfWork) -> set[tuple[int, int]]:
    return _FIRED.setdefault(uow, set())


def read_ahead_rules(uow: UnitOfWork, _desk: Desk, _ticket: Ticket, event: AuditEvent) -> None:
    """The enabled rules, read before the first write (handlers.READ_AHEAD)."""
    if event.action != TICKET_IMPORTED:
        uow.rules.all(enabled_only=True)


def run_event_rules(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    if ticket.id is None or event.id is None or event.action == TICKET_IMPORTED:
        return  # history already happened: no rule acts on a ticket for being imported
    enabled = uow.rules.all(enabled_only=True)
    if not enabled:
        return
    now = desk.clock.now()
    time_rules = [r for r in enabled if r.trigger is Trigger.TIME]
    if time_rules:
        _end_finished_episodes(uow, ticket, now, time_rules)
    if is_rule_made(event.actor_kind, event.actor_name) or event.action.startswith("rule."):
        return
    if ticket.status is Status.CLOSED:
        return  # closed is final: no rule can change it
    rules = [r for r in enabled if r.listens_to(event.action)]
    if not rules:
        return
    fired = _fired_in(uow)
    # Every rule is judged on the ticket as the event left it: a condition that only holds
    # because an earlier rule changed the ticket would be a rule triggering a rule.
    facts = ticket_facts(uow, ticket, now, status_age=_needs_status_age(rules))
    for rule in rules:
        assert rule.id is not None
        if (rule.id, ticket.id) in fired or not evaluate(rule.condition, facts):
            continue
        if not uow.rules.claim(rule.id, ticket.id, f"event:{event.id}", now):
            continue
        fired.add((rule.id, ticket.id))
        if not fire(uow, rule, ticket, facts, event.action, now):
            uow.rules.unclaim(rule.id, ticket.id, f"event:{event.id}")


def _needs_status_age(rules: list[AutomationRule]) -> bool:
    # Reading how long the ticket has been in its status costs a query; most rules never ask.
    return any("hours_in_status" in fields_of(r.condition) for r in rules)


def _end_finished_episodes(
    uow: UnitOfWork, ticket: Ticket, now: datetime, time_rules: list[AutomationRule]
) -> None:
    """A change can end a time rule's episode between sweeps (the customer answered): close it
    now, so that the next time the condition holds is a new episode. Episodes of rules since
    disabled end too."""
    assert ticket.id is not None
    open_rules = uow.rules.rules_with_open_episodes(ticket.id)
    if not open_rules:
        return
    facts = ticket_facts(uow, ticket, now, status_age=True)
    by_id = {r.id: r for r in time_rules}
    for rule_id in open_rules:
        rule = by_id.get(rule_id)
        if rule is None or not evaluate(rule.condition, facts):
            uow.rules.close_episodes(rule_id, ticket.id, now)


# -- the time sweep ---------------------------------------------------------------------------

SWEEP_BATCH = 500


def sweep_time_rules(desk: Desk) -> int:
    """Evaluate every enabled time rule on the tickets that can match it; fire each once per
    episode. One transaction per ticket, so a sweep that dies loses nothing already fired and
    two sweeps at once fire nothing twice. Returns how many firings this sweep made."""
    now = desk.clock.now()
    with desk.uow() as uow:
        rules = uow.rules.all(Trigger.TIME, enabled_only=True)
        due: dict[int, list[int]] = {}  # ticket id -> ids of the rules to check on it
        for rule in rules:
            assert rule.id is not None
            ticket_ids = set(uow.rules.tickets_with_open_episodes(rule.id))
            where, after = prefilter(rule.condition, now), 0
            while batch := uow.rules.candidate_tickets(where, after, SWEEP_BATCH):
                ticket_ids.update(batch)
                after = batch[-1]
            for ticket_id in ticket_ids:
                due.setdefault(ticket_id, []).append(rule.id)
    by_id = {r.id: r for r in rules}
    return sum(
        _sweep_ticket(desk, ticket_id, [by_id[i] for i in rule_ids], now)
        for ticket_id, rule_ids in sorted(due.items())
    )


def _sweep_ticket(desk: Desk, ticket_id: int, rules: list[AutomationRule], now: datetime) -> int:
    fired = 0
    with desk.uow() as uow:
        ticket = desk_ticket(uow, ticket_id, why="time rules sweep")
        if ticket is None:
            return 0
        # As for events: every rule is judged on the ticket as the sweep found it, so one
        # rule's change cannot make another fire.
        facts = ticket_facts(uow, ticket, now, status_age=True)
        for rule in rules:
            assert rule.id is not None
            holds = ticket.status is not Status.CLOSED and evaluate(rule.condition, facts)
            episodes, still_open = uow.rules.episodes(rule.id, ticket_id)
            if not holds:
                if still_open:
                    uow.rules.close_episodes(rule.id, ticket_id, now)
                continue
            key = f"episode:{episodes + 1}"
            if still_open or not uow.rules.claim(rule.id, ticket_id, key, now):
                continue
            if fire(uow, rule, ticket, facts, "time", now):
                fired += 1
            else:  # nothing to do yet: try again on the next sweep
                uow.rules.unclaim(rule.id, ticket_id, key)
        uow.commit()
    return fired
