"""/api/v1/rules: automation rules (condition → actions) and where they fired.

A condition is ``{"all": [...]}``, ``{"any": [...]}`` or ``{"field", "op", "value"}``; actions
are ``{"type", "value", "text"}``. ``domain/rules.py`` lists the fields, operators and actions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from tierdesk.domain.rules import AutomationRule, Trigger, condition_to_data
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate, paginate_fetched
from tierdesk.entrypoints.web.schemas import Position, Request
from tierdesk.services import rule_trials, rules

router = APIRouter(prefix="/rules", tags=["rules"])

_EXAMPLE_CONDITION = {
    "all": [
        {"field": "status", "op": "eq", "value": "pending-customer"},
        {"field": "hours_in_status", "op": "gt", "value": 72},
    ]
}


class RuleCreate(Request):
    name: str = Field(min_length=1, max_length=120)
    trigger: Trigger = Field(default=Trigger.EVENT, description="event, or time (the sweep)")
    events: list[str] = Field(
        default_factory=list,
        description="Event rules: the ticket events that trigger it (ticket.opened…); "
        "none: every ticket event",
    )
    condition: dict[str, Any] = Field(examples=[_EXAMPLE_CONDITION])
    actions: list[dict[str, Any]] = Field(
        min_length=1, examples=[[{"type": "add_note", "text": "Chase the customer"}]]
    )
    description: str = Field(default="", max_length=2_000)
    enabled: bool = True
    position: Position | None = Field(default=None, description="Lower first; default: last")


class RulePatch(Request):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    events: list[str] | None = None
    condition: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=2_000)
    enabled: bool | None = None
    position: Position | None = None


class RuleOut(BaseModel):
    id: int | None
    name: str
    trigger: Trigger
    events: list[str]
    condition: dict[str, Any]
    actions: list[dict[str, Any]]
    summary: str
    description: str
    enabled: bool
    position: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: AutomationRule) -> RuleOut:
        return cls(
            id=r.id,
            name=r.name,
            trigger=r.trigger,
            events=list(r.events),
            condition=condition_to_data(r.condition),
            actions=[a.to_data() for a in r.actions],
            summary=r.describe(),
            description=r.description,
            enabled=r.enabled,
            position=r.position,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


class FiringOut(BaseModel):
    ticket_id: int
    trigger_key: str
    fired_at: datetime
    closed_at: datetime | None


@router.get("", response_model=Page[RuleOut])
def list_rules(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[RuleOut]:
    """Automation rules (on events or on a schedule) in the order they run."""
    return paginate([RuleOut.of(r) for r in rules.list_rules(desk, actor)], page)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RuleOut)
def create_rule(body: RuleCreate, desk: DeskDep, actor: CurrentActor) -> RuleOut:
    """Add an automation rule: a condition over the ticket and the actions it takes."""
    rule = rules.create_rule(
        desk,
        actor,
        rules.NewRule(
            name=body.name,
            condition=body.condition,
            actions=body.actions,
            trigger=body.trigger,
            events=body.events,
            description=body.description,
            enabled=body.enabled,
            position=body.position,
        ),
    )
    return RuleOut.of(rule)


@router.get("/{rule_ref}", response_model=RuleOut)
def get_rule(rule_ref: str, desk: DeskDep, actor: CurrentActor) -> RuleOut:
    """A rule by id or name."""
    return RuleOut.of(rules.get_rule(desk, actor, rule_ref))


@router.patch("/{rule_ref}", response_model=RuleOut)
def patch_rule(rule_ref: str, body: RulePatch, desk: DeskDep, actor: CurrentActor) -> RuleOut:
    """Change an automation rule, named by id or key."""
    changes = rules.RuleChanges(
        name=body.name,
        condition=body.condition,
        actions=body.actions,
        events=body.events,
        description=body.description,
        enabled=body.enabled,
        position=body.position,
    )
    return RuleOut.of(rules.update_rule(desk, actor, rule_ref, changes))


@router.delete("/{rule_ref}", status_code=status.HTTP_204_NO_CONTENT)
def delete_rule(rule_ref: str, desk: DeskDep, actor: CurrentActor) -> Response:
    """Delete an automation rule and the record of where it fired (audited as
    ``rule.deleted``); what it did stays on the tickets' trails. To stop it for now, disable
    it instead."""
    rules.delete_rule(desk, actor, rule_ref)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class CheckOut(BaseModel):
    condition: str = Field(description="One comparison of the rule's condition, in words")
    holds: bool
    actual: Any = Field(description="What the ticket has in that field")


class TrialOut(BaseModel):
    ticket: str
    matches: bool = Field(description="The condition holds on the ticket as it is now")
    checks: list[CheckOut]
    actions: list[str] = Field(description="What the rule would do, in order")
    would_not_fire: str | None = Field(description="Why not, although it matches")


@router.get("/{rule_ref}/trial", response_model=TrialOut)
def try_rule(
    rule_ref: str,
    desk: DeskDep,
    actor: CurrentActor,
    ticket: Annotated[str, Query(max_length=40, description="The ticket's number or id")],
) -> TrialOut:
    """Test the rule on a ticket: whether its condition holds there, comparison by comparison,
    and what it would do. Nothing is stored and nothing fires (leads and admins)."""
    trial = rule_trials.try_rule(desk, actor, rule_ref, ticket)
    return TrialOut(
        ticket=trial.ticket.number or str(trial.ticket.id),
        matches=trial.matches,
        checks=[CheckOut(condition=c.text, holds=c.holds, actual=c.actual) for c in trial.checks],
        actions=trial.actions,
        would_not_fire=trial.why_not,
    )


@router.get("/{rule_ref}/firings", response_model=Page[FiringOut])
def list_firings(
    rule_ref: str, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[FiringOut]:
    """Where the rule fired, newest first (time rules: one per episode, closed when it ended)."""

    def fetch(count: int) -> list[FiringOut]:
        return [
            FiringOut(
                ticket_id=f.ticket_id,
                trigger_key=f.trigger_key,
                fired_at=f.fired_at,
                closed_at=f.closed_at,
            )
            for f in rules.rule_firings(desk, actor, rule_ref, count)
        ]

    return paginate_fetched(fetch, page, lambda f: [f.ticket_id, f.trigger_key, str(f.fired_at)])
