"""/api/v1 queues, routing rules, agent changes and a ticket's routing decisions.

Automation rules (``/rules``) live in ``api/rules.py`` and are mounted through this router."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from tierdesk.domain.catalog import Product
from tierdesk.domain.people import Tier
from tierdesk.domain.routing import Queue, RoutingRule
from tierdesk.entrypoints.web.api import rules
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate
from tierdesk.entrypoints.web.schemas import AgentOut, Position, Request
from tierdesk.services import agents, queues
from tierdesk.services.routing import routing_decisions
from tierdesk.services.tickets import products_by_id

router = APIRouter()
router.include_router(rules.router)

# -- bodies -----------------------------------------------------------------------------------

_Words = list[str]


class QueueCreate(Request):
    key: str = Field(min_length=1, max_length=120, description="Stable name, e.g. l1-sbc-de")
    name: str = Field(min_length=1, max_length=200)
    level: int = Field(ge=0, le=4)
    product: str | None = Field(default=None, description="Product key or name; none: all")
    component: str | None = Field(default=None, description="A component of the product")
    languages: _Words = Field(default_factory=list, description="Languages served; none: all")


class QueuePatch(Request):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    languages: _Words | None = None
    active: bool | None = None
    answers: str | None = Field(
        default=None, description="What the answerer does here: off, suggest, draft or send"
    )


class QueueOut(BaseModel):
    id: int | None
    key: str
    name: str
    level: int
    product: str | None
    component: str | None
    languages: list[str]
    active: bool
    answers: str
    members: list[str] | None = None

    @classmethod
    def of(
        cls, q: Queue, products: dict[int, Product], members: list[str] | None = None
    ) -> QueueOut:
        product = products.get(q.product_id) if q.product_id is not None else None
        component = (
            next((c.name for c in product.components if c.id == q.component_id), None)
            if product
            else None
        )
        return cls(
            id=q.id,
            key=q.key,
            name=q.name,
            level=int(q.tier),
            product=product.key if product else None,
            component=component,
            languages=list(q.languages),
            active=q.active,
            answers=str(q.answers),
            members=members,
        )


class RoutingConditionsIn(Request):
    """Each list names accepted values; an empty or missing list accepts any value."""

    products: _Words = Field(default_factory=list, description="Product keys")
    components: _Words = Field(default_factory=list, description="Component names")
    languages: _Words = Field(default_factory=list)
    plans: _Words = Field(default_factory=list, description="Support plan keys (entitlement)")
    types: _Words = Field(default_factory=list)
    priorities: _Words = Field(default_factory=list)
    channels: _Words = Field(default_factory=list)


class RoutingRuleCreate(Request):
    name: str = Field(min_length=1, max_length=120)
    queue: str = Field(description="Key of the queue the ticket goes to (its level too)")
    conditions: RoutingConditionsIn = Field(default_factory=RoutingConditionsIn)
    position: Position | None = Field(default=None, description="Lower first; default: last")
    assign: bool = Field(default=True, description="Pick a member of the queue at once")
    enabled: bool = True


class RoutingRulePatch(Request):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    queue: str | None = None
    conditions: RoutingConditionsIn | None = None
    position: Position | None = None
    assign: bool | None = None
    enabled: bool | None = None


class RoutingRuleOut(BaseModel):
    id: int | None
    name: str
    position: int
    queue: str
    conditions: dict[str, list[str]]
    summary: str
    assign: bool
    enabled: bool

    @classmethod
    def of(cls, r: RoutingRule) -> RoutingRuleOut:
        return cls(
            id=r.id,
            name=r.name,
            position=r.position,
            queue=r.queue,
            conditions=r.conditions.to_dict(),
            summary=r.conditions.describe(),
            assign=r.assign,
            enabled=r.enabled,
        )


class AgentPatch(Request):
    away: bool | None = None
    capacity: int | None = Field(default=None, ge=1, le=1000)
    skills: _Words | None = Field(default=None, description="Products or components known")
    languages: _Words | None = None
    queues: _Words | None = Field(default=None, description="Keys of the queues they work")
    levels: list[int] | None = Field(default=None, min_length=1)
    active: bool | None = Field(
        default=None,
        description="false switches the agent off: no sign-in, no new work, sessions ended",
    )
    password: str | None = Field(
        default=None,
        description="A new sign-in password (12+ characters), set by a lead or admin for "
        "another agent; ends that agent's sessions",
    )


class DecisionOut(BaseModel):
    at: datetime
    by: str
    changes: dict[str, Any]
    why: str | None


class TicketRoutingOut(BaseModel):
    ticket: str | None
    level: int
    queue: str | None
    assignee_id: int | None
    decisions: list[DecisionOut]


# -- routes -----------------------------------------------------------------------------------


@router.get("/queues", response_model=Page[QueueOut], tags=["routing"])
def list_queues(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[QueueOut]:
    """The queues new tickets are routed into."""
    products = products_by_id(desk)
    return paginate([QueueOut.of(q, products) for q in queues.list_queues(desk, actor)], page)


@router.post(
    "/queues", status_code=status.HTTP_201_CREATED, response_model=QueueOut, tags=["routing"]
)
def create_queue(body: QueueCreate, desk: DeskDep, actor: CurrentActor) -> QueueOut:
    """Add a queue at a level, optionally for one product and component."""
    queue = queues.create_queue(
        desk,
        actor,
        queues.NewQueue(
            key=body.key,
            name=body.name,
            tier=Tier(body.level),
            product=body.product,
            component=body.component,
            languages=body.languages,
        ),
    )
    return QueueOut.of(queue, products_by_id(desk))


@router.get("/queues/{key}", response_model=QueueOut, tags=["routing"])
def get_queue(key: str, desk: DeskDep, actor: CurrentActor) -> QueueOut:
    """One queue, by key, with its members."""
    view = queues.get_queue(desk, actor, key)
    return QueueOut.of(view.queue, products_by_id(desk), view.members)


@router.patch("/queues/{key}", response_model=QueueOut, tags=["routing"])
def patch_queue(key: str, body: QueuePatch, desk: DeskDep, actor: CurrentActor) -> QueueOut:
    """Rename a queue, change its languages or turn it off."""
    changes = queues.QueueChanges(
        name=body.name, languages=body.languages, active=body.active, answers=body.answers
    )
    return QueueOut.of(queues.update_queue(desk, actor, key, changes), products_by_id(desk))


@router.get("/routing-rules", response_model=Page[RoutingRuleOut], tags=["routing"])
def list_routing_rules(desk: DeskDep, actor: CurrentActor, page: PageQuery) -> Page[RoutingRuleOut]:
    """Routing rules in the order they are tried."""
    return paginate([RoutingRuleOut.of(r) for r in queues.list_routing_rules(desk, actor)], page)


@router.post(
    "/routing-rules",
    status_code=status.HTTP_201_CREATED,
    response_model=RoutingRuleOut,
    tags=["routing"],
)
def create_routing_rule(
    body: RoutingRuleCreate, desk: DeskDep, actor: CurrentActor
) -> RoutingRuleOut:
    """Add a rule sending matching new tickets to a queue."""
    rule = queues.create_routing_rule(
        desk,
        actor,
        queues.NewRoutingRule(
            name=body.name,
            queue=body.queue,
            conditions=body.conditions.model_dump(),
            position=body.position,
            assign=body.assign,
            enabled=body.enabled,
        ),
    )
    return RoutingRuleOut.of(rule)


@router.patch("/routing-rules/{rule_id}", response_model=RoutingRuleOut, tags=["routing"])
def patch_routing_rule(
    rule_id: RecordId, body: RoutingRulePatch, desk: DeskDep, actor: CurrentActor
) -> RoutingRuleOut:
    """Change a routing rule's conditions, target, position or enabled flag."""
    changes = queues.RoutingRuleChanges(
        name=body.name,
        queue=body.queue,
        conditions=body.conditions.model_dump() if body.conditions is not None else None,
        position=body.position,
        assign=body.assign,
        enabled=body.enabled,
    )
    return RoutingRuleOut.of(queues.update_routing_rule(desk, actor, rule_id, changes))


@router.delete("/routing-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["routing"])
def delete_routing_rule(rule_id: RecordId, desk: DeskDep, actor: CurrentActor) -> Response:
    """Remove a routing rule."""
    queues.delete_routing_rule(desk, actor, rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/agents/{agent_id}", response_model=AgentOut, tags=["people"])
def patch_agent(
    agent_id: RecordId, body: AgentPatch, desk: DeskDep, actor: CurrentActor
) -> AgentOut:
    """Leads and admins change anything here (also another agent's password); an agent may set
    only their own ``away``."""
    changes = agents.AgentChanges(
        away=body.away,
        capacity=body.capacity,
        skills=body.skills,
        languages=body.languages,
        queues=body.queues,
        tiers=body.levels,
        active=body.active,
        password=body.password,
    )
    return AgentOut.model_validate(agents.update_agent(desk, actor, agent_id, changes))


@router.get("/tickets/{ticket_ref}/routing", response_model=TicketRoutingOut, tags=["routing"])
def ticket_routing(ticket_ref: str, desk: DeskDep, actor: CurrentActor) -> TicketRoutingOut:
    """Where the ticket sits and every routing decision on it, each with its why."""
    view = routing_decisions(desk, actor, ticket_ref)
    return TicketRoutingOut(
        ticket=view.ticket.number,
        level=int(view.ticket.tier),
        queue=view.ticket.queue,
        assignee_id=view.ticket.assignee_id,
        decisions=[
            DecisionOut(at=e.at, by=e.actor_name, changes=dict(e.changes), why=e.reason)
            for e in view.decisions
        ],
    )
