"""Configuring routing: queues per level × product area, and the ordered routing rules.

Leads and admins change both; every agent may read them. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tierdesk.domain.answers import parse_policy
from tierdesk.domain.audit import audit_event
from tierdesk.domain.levels import EntryRoute, check_entry
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Actor, Tier
from tierdesk.domain.routing import (
    Queue,
    RoutingConditions,
    RoutingRule,
    is_language_code,
    normalise_languages,
    normalise_queue_key,
)
from tierdesk.domain.tickets import Priority, TicketType
from tierdesk.errors import ConflictError, InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import require_agent, require_lead
from tierdesk.services.desk import Desk

# -- queues -----------------------------------------------------------------------------------


@dataclass
class NewQueue:
    key: str
    name: str
    tier: Tier
    product: str | None = None  # key or name; None: every product at this level
    component: str | None = None
    languages: list[str] = field(default_factory=list)  # empty: every language


def create_queue(desk: Desk, actor: Actor, new: NewQueue) -> Queue:
    require_lead(actor, "create queues")
    key = normalise_queue_key(new.key)
    name = new.name.strip()
    if not name or len(name) > 200:
        raise InvalidInputError("a queue needs a name of 1-200 characters", field="name")
    with desk.uow() as uow:
        if uow.queues.get(key) is not None:
            raise ConflictError(f"queue {key} exists already", field="key")
        product_id = component_id = None
        if new.product:
            product = uow.products.get_by_key(new.product)
            if product is None:
                raise InvalidInputError(f"unknown product {new.product!r}", field="product")
            product_id = product.id
            if new.component:
                component = product.component_named(new.component)
                if component is None:
                    raise InvalidInputError(
                        f"{product.name} has no component {new.component!r}", field="component"
                    )
                component_id = component.id
        elif new.component:
            raise InvalidInputError("name the product of the component", field="product")
        queue = Queue(
            key=key,
            name=name,
            tier=new.tier,
            product_id=product_id,
            component_id=component_id,
            languages=normalise_languages(new.languages),
        )
        now = desk.clock.now()
        uow.queues.add(queue, now)
        uow.audit.add(
            audit_event(
                "queue",
                "queue.created",
                actor,
                now,
                subject_id=queue.id,
                changes={
                    "key": key,
                    "tier": int(queue.tier),
                    "product": new.product,
                    "component": new.component,
                    "languages": queue.languages,
                },
            )
        )
        uow.commit()
        return queue


def list_queues(desk: Desk, actor: Actor) -> list[Queue]:
    require_agent(actor, "read queues")
    with desk.uow() as uow:
        return uow.queues.all()


def _queue(uow: UnitOfWork, key: str) -> Queue:
    queue = uow.queues.get(key.strip().lower())
    if queue is None:
        raise NotFoundError(f"queue {key!r} not found", queue=key)
    return queue


@dataclass(frozen=True)
class QueueView:
    queue: Queue
    members: list[str]  # names of the agents working it


def get_queue(desk: Desk, actor: Actor, key: str) -> QueueView:
    require_agent(actor, "read queues")
    with desk.uow() as uow:
        queue = _queue(uow, key)
        return QueueView(queue, [a.name for a in uow.queues.members(queue.key)])


@dataclass
class QueueChanges:
    name: str | None = None
    languages: list[str] | None = None
    active: bool | None = None
    answers: str | None = None  # the answer policy (domain/answers.py)


def _settings(queue: Queue) -> dict[str, Any]:
    return {
        "name": queue.name,
        "languages": list(queue.languages),
        "active": queue.active,
        "answers": str(queue.answers),
    }


def update_queue(desk: Desk, actor: Actor, key: str, changes: QueueChanges) -> Queue:
    """Rename, change the languages served, (de)activate, or set what the answerer does on its
    tickets. A queue's level and product area are what it is: make a new queue for a different
    one."""
    require_lead(actor, "change queues")
    with desk.uow() as uow:
        queue = _queue(uow, key)
        before = _settings(queue)
        if changes.name is not None:
            if not changes.name.strip():
                raise InvalidInputError("a queue needs a name", field="name")
            queue.name = changes.name.strip()
        if changes.languages is not None:
            queue.languages = normalise_languages(changes.languages)
        if changes.active is not None:
            queue.active = changes.active
        if changes.answers is not None:
            queue.answers = parse_policy(changes.answers)
        after = _settings(queue)
        diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if diff:
            uow.queues.update(queue)
            uow.audit.add(
                audit_event(
                    "queue",
                    "queue.updated",
                    actor,
                    desk.clock.now(),
                    subject_id=queue.id,
                    changes=diff,
                )
            )
        uow.commit()
        return queue


# -- routing rules ----------------------------------------------------------------------------


@dataclass
class NewRoutingRule:
    name: str
    queue: str
    conditions: dict[str, Any] = field(default_factory=dict)
    position: int | None = None  # None: after the last rule
    assign: bool = True
    enabled: bool = True


def _check_conditions(uow: UnitOfWork, conditions: RoutingConditions) -> None:
    """Every value a rule names must exist, or the rule would silently never match."""
    products = {p.key: p for p in uow.products.all()}
    for key in conditions.products:
        if key not in products:
            raise InvalidInputError(
                f"unknown product {key!r} in conditions", field="conditions.products"
            )
    scope = [products[k] for k in conditions.products] or list(products.values())
    for name in conditions.components:
        if not any(p.component_named(name) for p in scope):
            raise InvalidInputError(
                f"no product has component {name!r}", field="conditions.components"
            )
    for language in conditions.languages:
        if not is_language_code(language):
            raise InvalidInputError(
                f"{language[:40]!r} is not a language code like de or de-ch",
                field="conditions.languages",
            )
    plans = {p.key for p in uow.organisations.plans()}
    known: list[tuple[str, str, tuple[str, ...], set[str]]] = [
        ("plan", "plans", conditions.plans, plans),
        ("type", "types", conditions.types, {t.value for t in TicketType}),
        ("priority", "priorities", conditions.priorities, {p.value for p in Priority}),
        ("channel", "channels", conditions.channels, {c.value for c in Channel}),
    ]
    for label, name, values, allowed in known:
        for value in values:
            if value not in allowed:
                raise InvalidInputError(
                    f"unknown {label} {value!r}; use {', '.join(sorted(allowed))}",
                    field=f"conditions.{name}",
                )


def _target_queue(uow: UnitOfWork, key: str) -> Queue:
    queue = uow.queues.get(key.strip().lower())
    if queue is None:
        raise InvalidInputError(f"unknown queue {key!r}", field="queue")
    level = uow.levels.get(queue.tier)
    if level is not None:
        check_entry(level, EntryRoute.INTAKE)  # L3/L4 take no new tickets straight from customers
    return queue


def _rule_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 120:
        raise InvalidInputError("a routing rule needs a name of 1-120 characters", field="name")
    return cleaned


def _rule_record(rule: RoutingRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "queue": rule.queue,
        "conditions": rule.conditions.to_dict(),
        "position": rule.position,
        "assign": rule.assign,
        "enabled": rule.enabled,
    }


def create_routing_rule(desk: Desk, actor: Actor, new: NewRoutingRule) -> RoutingRule:
    require_lead(actor, "create routing rules")
    conditions = RoutingConditions.of(new.conditions)
    name = _rule_name(new.name)
    with desk.uow() as uow:
        existing = uow.routing.rules()
        if any(r.name.lower() == name.lower() for r in existing):
            raise ConflictError(f"routing rule {name!r} exists already", field="name")
        _check_conditions(uow, conditions)
        queue = _target_queue(uow, new.queue)
        position = new.position
        if position is None:
            position = max((r.position for r in existing), default=0) + 10
        rule = RoutingRule(name, queue.key, conditions, position, new.assign, new.enabled)
        now = desk.clock.now()
        uow.routing.add_rule(rule, now)
        uow.audit.add(
            audit_event(
                "routing_rule",
                "routing_rule.created",
                actor,
                now,
                subject_id=rule.id,
                changes=_rule_record(rule),
            )
        )
        uow.commit()
        return rule


def list_routing_rules(desk: Desk, actor: Actor) -> list[RoutingRule]:
    require_agent(actor, "read routing rules")
    with desk.uow() as uow:
        return uow.routing.rules()


@dataclass
class RoutingRuleChanges:
    name: str | None = None
    queue: str | None = None
    conditions: dict[str, Any] | None = None
    position: int | None = None
    assign: bool | None = None
    enabled: bool | None = None


def update_routing_rule(
    desk: Desk, actor: Actor, rule_id: int, changes: RoutingRuleChanges
) -> RoutingRule:
    require_lead(actor, "change routing rules")
    with desk.uow() as uow:
        rule = uow.routing.rule(rule_id)
        if rule is None:
            raise NotFoundError(f"routing rule {rule_id} not found")
        before = _rule_record(rule)
        if changes.name is not None:
            rule.name = _rule_name(changes.name)
            if any(
                r.name.lower() == rule.name.lower() and r.id != rule.id for r in uow.routing.rules()
            ):
                raise ConflictError(f"routing rule {rule.name!r} exists already", field="name")
        if changes.conditions is not None:
            rule.conditions = RoutingConditions.of(changes.conditions)
            _check_conditions(uow, rule.conditions)
        if changes.queue is not None:
            rule.queue = _target_queue(uow, changes.queue).key
        for name in ("position", "assign", "enabled"):
            value = getattr(changes, name)
            if value is not None:
                setattr(rule, name, value)
        after = _rule_record(rule)
        diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if diff:
            now = desk.clock.now()
            uow.routing.update_rule(rule, now)
            uow.audit.add(
                audit_event(
                    "routing_rule",
                    "routing_rule.updated",
                    actor,
                    now,
                    subject_id=rule.id,
                    changes=diff,
                )
            )
        uow.commit()
        return rule


def delete_routing_rule(desk: Desk, actor: Actor, rule_id: int) -> None:
    require_lead(actor, "delete routing rules")
    with desk.uow() as uow:
        rule = uow.routing.rule(rule_id)
        if rule is None:
            raise NotFoundError(f"routing rule {rule_id} not found")
        uow.routing.delete_rule(rule_id)
        uow.audit.add(
            audit_event(
                "routing_rule",
                "routing_rule.deleted",
                actor,
                desk.clock.now(),
                subject_id=rule_id,
                changes=_rule_record(rule),
            )
        )
        uow.commit()


def move_routing_rule(desk: Desk, actor: Actor, rule_id: int, up: bool) -> RoutingRule:
    """One place earlier (``up``) or later in the order rules are tried: the rule swaps
    positions with its neighbour (audited as ``routing_rule.updated``)."""
    require_lead(actor, "change routing rules")
    ordered = sorted(list_routing_rules(desk, actor), key=lambda r: (r.position, r.id or 0))
    at = next((i for i, r in enumerate(ordered) if r.id == rule_id), None)
    if at is None:
        raise NotFoundError(f"routing rule {rule_id} not found")
    other = at - 1 if up else at + 1
    if not 0 <= other < len(ordered):
        return ordered[at]  # first already (or last): nowhere to go
    neighbour = ordered[other]
    assert neighbour.id is not None
    if neighbour.position == ordered[at].position:  # a tie is ordered by id: step past it
        step = -1 if up else 1
        return update_routing_rule(
            desk, actor, rule_id, RoutingRuleChanges(position=neighbour.position + step)
        )
    update_routing_rule(
        desk, actor, neighbour.id, RoutingRuleChanges(position=ordered[at].position)
    )
    return update_routing_rule(
        desk, actor, rule_id, RoutingRuleChanges(position=neighbour.position)
    )
