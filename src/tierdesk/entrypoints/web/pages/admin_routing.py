"""The admin's routing tab: routing rules in the order they are tried, added, changed, moved,
deleted, and tried on a ticket without changing it (services/queues.py and
services/routing.py, the same calls as /api/v1/routing-rules)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, is_htmx, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.services import queues
from tierdesk.services.access import require_lead
from tierdesk.services.routing import try_routing_rule

router = APIRouter(prefix="/admin/routing-rules", include_in_schema=False)

# The conditions' form fields (RoutingConditions' names), with their labels and examples.
CONDITION_FIELDS = [
    ("products", "Products (keys)", "kestrel-sbc"),
    ("components", "Components", "media relay"),
    ("languages", "Languages", "de, fr"),
    ("plans", "Plans", "premium"),
    ("types", "Types", "problem, defect"),
    ("priorities", "Priorities", "P1, P2"),
    ("channels", "Channels", "email, portal"),
]

Text = Annotated[str, Form()]


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def _conditions(
    products: str,
    components: str,
    languages: str,
    plans: str,
    types: str,
    priorities: str,
    channels: str,
) -> dict[str, Any]:
    typed = {
        "products": products,
        "components": components,
        "languages": languages,
        "plans": plans,
        "types": types,
        "priorities": priorities,
        "channels": channels,
    }
    return {name: _words(text) for name, text in typed.items() if _words(text)}


def _back(request: Request, notice: str) -> Response:
    return go(request, f"/admin?notice={notice}#routing")


@router.post("", dependencies=[Csrf])
def add_rule(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    name: Text = "",
    queue: Text = "",
    products: Text = "",
    components: Text = "",
    languages: Text = "",
    plans: Text = "",
    types: Text = "",
    priorities: Text = "",
    channels: Text = "",
    assign: Annotated[bool, Form()] = False,
) -> Response:
    require_lead(agent, "use the admin pages")
    conditions = _conditions(products, components, languages, plans, types, priorities, channels)
    queues.create_routing_rule(
        desk, agent, queues.NewRoutingRule(name, queue, conditions, assign=assign)
    )
    return _back(request, "Routing+rule+added")


@router.post("/{rule_id}", dependencies=[Csrf])
def update_rule(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    rule_id: RecordId,
    name: Text = "",
    queue: Text = "",
    products: Text = "",
    components: Text = "",
    languages: Text = "",
    plans: Text = "",
    types: Text = "",
    priorities: Text = "",
    channels: Text = "",
    assign: Annotated[bool, Form()] = False,
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    require_lead(agent, "use the admin pages")
    changes = queues.RoutingRuleChanges(
        name=name,
        queue=queue,
        conditions=_conditions(products, components, languages, plans, types, priorities, channels),
        assign=assign,
        enabled=enabled,
    )
    queues.update_routing_rule(desk, agent, rule_id, changes)
    return _back(request, "Routing+rule+saved")


@router.post("/{rule_id}/move", dependencies=[Csrf])
def move_rule(
    request: Request, desk: DeskDep, agent: WebAgent, rule_id: RecordId, direction: Text = "up"
) -> Response:
    require_lead(agent, "use the admin pages")
    queues.move_routing_rule(desk, agent, rule_id, up=direction == "up")
    return _back(request, "Routing+rule+moved")


@router.post("/{rule_id}/delete", dependencies=[Csrf])
def delete_rule(request: Request, desk: DeskDep, agent: WebAgent, rule_id: RecordId) -> Response:
    require_lead(agent, "use the admin pages")
    queues.delete_routing_rule(desk, agent, rule_id)
    return _back(request, "Routing+rule+deleted")


@router.get("/{rule_id}/trial")
def try_rule(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    rule_id: RecordId,
    ticket: Annotated[str, Query()] = "",
) -> Response:
    """What the rule would do with the ticket if it arrived now; a read, so a GET (HTMX puts
    the answer under the rule, without JavaScript it is a page of its own)."""
    require_lead(agent, "use the admin pages")
    trial = try_routing_rule(desk, agent, rule_id, ticket.strip())
    if is_htmx(request):
        return render(request, "admin/_rule_trial.html", {"trial": trial})
    return render(request, "admin/rule_trial.html", {"user": agent, "trial": trial})
