"""What a rule does when it fires: its actions, applied in order, each through the domain.

An action that does not apply (the priority is already P1, the status change is not allowed,
the queue is gone) is skipped and the skip is written on the ``rule.fired`` event: an admin's
rule never makes a person's change fail. The actions run as the rule's actor, which is what
stops them from triggering rules again.
"""

from __future__ import annotations

from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.handoff import require_complete
from tierdesk.domain.levels import check_reachable
from tierdesk.domain.messages import Channel, Message, MessageKind
from tierdesk.domain.people import Agent, SystemActor, Tier
from tierdesk.domain.routing import TicketFacts
from tierdesk.domain.rule_actions import Action, ActionType
from tierdesk.domain.rules import (
    RULE_ACTOR_PREFIX,
    AutomationRule,
    describe_condition,
)
from tierdesk.domain.tickets import Priority, Status, Ticket
from tierdesk.errors import TierdeskError
from tierdesk.ports import UnitOfWork
from tierdesk.services.escalation import packet_draft, record_escalation
from tierdesk.services.notifications import notify_agents
from tierdesk.services.routing import assign_in_queue, place_in_queue, record_assignment


class Skipped(Exception):
    """The action does not apply to this ticket now; the message says why."""


class AlreadyDone(Skipped):
    """The ticket is already as the action would make it."""


def fire(
    uow: UnitOfWork,
    rule: AutomationRule,
    ticket: Ticket,
    facts: TicketFacts,
    trigger: str,
    now: datetime,
) -> bool:
    """Record the firing on the ticket, then apply the actions after it on the trail. A rule
    whose every action finds the ticket already so has nothing to say: nothing is recorded and
    False is returned."""
    actor = rule.actor
    fired = audit_event(
        "ticket",
        "rule.fired",
        actor,
        now,
        changes={
            "rule": rule.name,
            "rule_id": rule.id,
            "trigger": trigger,
            "condition": describe_condition(rule.condition),
            "actions": [a.describe() for a in rule.actions],
        },
        reason=f"rule {rule.name!r}: {rule.describe()}",
    )
    ticket.pending_events.append(fired)
    skipped, no_ops = [], 0
    for action in rule.actions:
        try:
            _apply(uow, rule, actor, ticket, facts, action, now)
        except (Skipped, TierdeskError) as why:
            skipped.append(f"{action.describe()}: {why}")
            no_ops += isinstance(why, AlreadyDone)
    if no_ops == len(rule.actions):
        ticket.pending_events.remove(fired)
        return False
    if skipped:
        fired.changes["skipped"] = skipped
    return True


def _apply(
    uow: UnitOfWork,
    rule: AutomationRule,
    actor: SystemActor,
    ticket: Ticket,
    facts: TicketFacts,
    action: Action,
    now: datetime,
) -> None:
    reason = f"rule {rule.name!r}"
    match action.type:
        case ActionType.SET_PRIORITY:
            priority = Priority(str(action.value))
            if ticket.priority is priority:
                raise AlreadyDone(f"already {priority}")
            ticket.change_priority(priority, actor, now, reason)
        case ActionType.ADD_TAG:
            if action.value in ticket.tags:
                raise AlreadyDone("tag already there")
            ticket.update_fields(actor, now, tags=[*ticket.tags, str(action.value)])
        case ActionType.SET_QUEUE:
            _set_queue(uow, actor, ticket, str(action.value), reason, now)
        case ActionType.ASSIGN:
            _assign(uow, actor, ticket, facts, action.value, now)
        case ActionType.SET_STATUS:
            status = Status(str(action.value))
            if ticket.status is status:
                raise AlreadyDone(f"already {status}")
            if status is Status.SOLVED:
                ticket.solve(action.text or reason, actor, now)
            else:
                ticket.change_status(status, actor, now, reason)
        case ActionType.ADD_NOTE:
            note = Message(
                kind=MessageKind.INTERNAL_NOTE,
                author_kind=str(actor.kind),
                author_id=actor.id,
                author_name=actor.name,
                body_text=action.text or "",
                body_html=None,
                created_at=now,
                channel=Channel.API,
            )
            ticket.add_message(note, actor)
        case ActionType.ESCALATE:
            _escalate(uow, actor, ticket, Tier(int(action.value or 0)), action.text or reason, now)
        case ActionType.NOTIFY:
            _notify(uow, actor, ticket, str(action.value), action.text or "", now)


def _set_queue(
    uow: UnitOfWork, actor: SystemActor, ticket: Ticket, key: str, reason: str, now: datetime
) -> None:
    """Within the ticket's level, or out of intake as routing would; another level's queue is
    refused (levels change by escalation) and the refusal is noted as a skip."""
    if ticket.queue == key:
        raise AlreadyDone(f"already in {key}")
    place_in_queue(uow, ticket, key, f"{reason} set queue {key}", actor, now)


def _assign(
    uow: UnitOfWork,
    actor: SystemActor,
    ticket: Ticket,
    facts: TicketFacts,
    value: str | int | None,
    now: datetime,
) -> None:
    if value == "auto":
        if ticket.queue is None:
            raise Skipped("the ticket is in no queue to pick a member of")
        assignment = assign_in_queue(uow, ticket.queue, ticket.tier, facts)
        if assignment.agent is None:
            raise Skipped(assignment.why)
        if assignment.agent.id == ticket.assignee_id:
            raise AlreadyDone(f"already assigned to {assignment.agent.name}")
        ticket.route_to(ticket.queue, None, assignment.agent, assignment.why, actor, now)
        record_assignment(uow, assignment, now)
        return
    agent = uow.agents.get(int(value or 0))
    if agent is None:
        raise Skipped(f"agent {value} no longer exists")
    if ticket.assignee_id == agent.id:
        raise AlreadyDone(f"already assigned to {agent.name}")
    ticket.assign(agent, actor, now)


def _escalate(
    uow: UnitOfWork, actor: SystemActor, ticket: Ticket, to: Tier, reason: str, now: datetime
) -> None:
    """Escalate under the escalation contract: the packet is drafted from the thread (the same
    rule-based fill agents get), must satisfy the target level and stays on the trail, so the
    receiving level accepts or bounces it like any other."""
    assert ticket.id is not None
    if to <= ticket.tier:
        raise AlreadyDone(f"the ticket is at {ticket.tier.label} already")
    organisation = uow.organisations.get(ticket.organisation_id)
    plan = uow.organisations.plan_by_id(organisation.plan_id) if organisation else None
    if plan is not None:
        check_reachable(to, plan.name, plan.highest_tier)
    level = uow.levels.get(to)
    if level is None:
        raise Skipped(f"level {to.label} is not configured")
    content = packet_draft(uow, ticket)
    require_complete(content, level)
    record_escalation(uow, ticket, to, reason, content, actor, now)


def _notify(
    uow: UnitOfWork,
    actor: SystemActor,
    ticket: Ticket,
    target: str,
    message: str,
    now: datetime,
) -> None:
    """Agents get an in-desk notification; every recipient is recorded on the ticket as
    ``notification.requested``, which is what mail delivery to people outside reacts to."""
    agents: list[Agent] = []
    others: list[str] = []
    if target == "assignee" and ticket.assignee_id is not None:
        agents = [a for a in [uow.agents.get(ticket.assignee_id)] if a is not None]
    elif target == "requester":
        contact = uow.contacts.get(ticket.requester_id)
        others = [contact.email] if contact else []
    elif target == "followers":
        agents = [a for a in (uow.agents.get(i) for i in ticket.followers) if a is not None]
    elif target == "queue" and ticket.queue:
        agents = uow.routing.members(ticket.queue)
    elif "@" in target:
        agent = uow.agents.get_by_email(target)
        agents, others = ([agent], []) if agent else ([], [target])
    agents = [a for a in agents if a.active]
    if not agents and not others:
        raise Skipped(f"nobody to notify as {target}")
    notify_agents(
        uow,
        [a.id for a in agents],
        kind="rule.notify",
        text=message,
        at=now,
        ticket_id=ticket.id,
        details={"rule": actor.name.removeprefix(RULE_ACTOR_PREFIX), "ticket": ticket.number},
    )
    ticket.pending_events.append(
        audit_event(
            "ticket",
            "notification.requested",
            actor,
            now,
            changes={
                "to": target,
                "recipients": [a.email for a in agents] + others,
                "message": message,
            },
        )
    )
