"""Trying an automation rule on a ticket without firing it: the admin page's "test this rule on
a ticket" (and ``GET /api/v1/rules/{rule}/trial``). A read: nothing is stored, nothing fires."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tierdesk.domain.people import Actor
from tierdesk.domain.rules import AutomationRule, evaluate, explain
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.services.access import access_ticket, require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.routing import ticket_facts
from tierdesk.services.rules import find_rule


@dataclass(frozen=True)
class Check:
    """One comparison of the condition: in words, whether it holds, what the ticket has."""

    text: str
    holds: bool
    actual: Any


@dataclass(frozen=True)
class AutomationRuleTrial:
    ticket: Ticket
    rule: AutomationRule
    matches: bool  # the condition holds on the ticket as it is now
    checks: list[Check]
    actions: list[str]  # what the rule would do, in order, were it to fire now
    why_not: str | None  # why it would not fire although it matches (disabled, closed)


def try_rule(
    desk: Desk, actor: Actor, reference: int | str, ticket_ref: str
) -> AutomationRuleTrial:
    """The rule's condition against the ticket's facts, the way the rules handler and the
    sweep judge it (hours in status included), read-only."""
    require_lead(actor, "test automation rules")
    with desk.uow() as uow:
        rule = find_rule(uow, reference)
        ticket = access_ticket(uow, actor, ticket_ref, desk.ticket_prefix)
        facts = ticket_facts(uow, ticket, desk.clock.now(), status_age=True)
    checks = [Check(text, holds, actual) for text, holds, actual in explain(rule.condition, facts)]
    why_not = None
    if not rule.enabled:
        why_not = "the rule is disabled"
    elif ticket.status is Status.CLOSED:
        why_not = "the ticket is closed, and no rule changes a closed ticket"
    return AutomationRuleTrial(
        ticket=ticket,
        rule=rule,
        matches=evaluate(rule.condition, facts),
        checks=checks,
        actions=[a.describe() for a in rule.actions],
        why_not=why_not,
    )
