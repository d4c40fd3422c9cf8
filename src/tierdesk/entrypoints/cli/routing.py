"""Routing from the terminal: ``queue create|list|route|routes``, ``rule list|add|disable`` and
``agent away|back`` (added to the ``agent`` group)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from tierdesk.domain.people import Tier
from tierdesk.domain.routing import MAX_POSITION
from tierdesk.domain.rules import FIELDS, FieldKind, Trigger
from tierdesk.entrypoints.cli.people import agent_app
from tierdesk.entrypoints.cli.wiring import render_table, running_desk, say
from tierdesk.errors import InvalidInputError
from tierdesk.services import agents, queues, rules
from tierdesk.services.auth import SYSTEM
from tierdesk.services.tickets import list_products

queue_app = typer.Typer(
    help="Queues per level and product area, and routing rules.", no_args_is_help=True
)
rule_app = typer.Typer(help="Automation rules: condition → actions.", no_args_is_help=True)

_Repeated = list[str] | None


@queue_app.command("create")
def create_queue(
    key: Annotated[str, typer.Option(help="Stable key, e.g. l1-sbc-de.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    level: Annotated[str, typer.Option(help="Level 0-4 or L0-L4.")],
    product: Annotated[str | None, typer.Option(help="Product key or name; none: all.")] = None,
    component: Annotated[str | None, typer.Option(help="A component of the product.")] = None,
    language: Annotated[_Repeated, typer.Option(help="A language served; repeatable.")] = None,
) -> None:
    """Create a queue."""
    with running_desk() as app:
        queue = queues.create_queue(
            app.desk,
            SYSTEM,
            queues.NewQueue(key, name, Tier.parse(level), product, component, language or []),
        )
    say(f"Created queue {queue.key} ({queue.tier.label}) with id {queue.id}.")


@queue_app.command("list")
def list_queues() -> None:
    """List the queues."""
    with running_desk() as app:
        found = queues.list_queues(app.desk, SYSTEM)
        products = {p.id: p for p in list_products(app.desk)}
    rows = []
    for q in found:
        product = products.get(q.product_id) if q.product_id is not None else None
        component = next(
            (c.name for c in (product.components if product else []) if c.id == q.component_id),
            "",
        )
        rows.append(
            [
                q.key,
                q.tier.label,
                q.name,
                product.key if product else "(all)",
                component,
                ",".join(q.languages) or "(all)",
                "" if q.active else "inactive",
            ]
        )
    say(render_table(["key", "level", "name", "product", "component", "languages", ""], rows))


@queue_app.command("route")
def add_routing_rule(
    name: Annotated[str, typer.Option(help="Name of the routing rule.")],
    queue: Annotated[str, typer.Option(help="Key of the queue matching tickets go to.")],
    product: Annotated[_Repeated, typer.Option(help="Product key; repeatable.")] = None,
    component: Annotated[_Repeated, typer.Option(help="Component name; repeatable.")] = None,
    language: Annotated[_Repeated, typer.Option(help="Language; repeatable.")] = None,
    plan: Annotated[_Repeated, typer.Option(help="Support plan key; repeatable.")] = None,
    type_: Annotated[_Repeated, typer.Option("--type", help="Ticket type; repeatable.")] = None,
    priority: Annotated[_Repeated, typer.Option(help="Priority P1-P4; repeatable.")] = None,
    channel: Annotated[_Repeated, typer.Option(help="Channel; repeatable.")] = None,
    position: Annotated[
        int | None,
        typer.Option(help="Lower first; default: last.", min=-MAX_POSITION, max=MAX_POSITION),
    ] = None,
    assign: Annotated[bool, typer.Option(help="Pick a member of the queue at once.")] = True,
) -> None:
    """Add a routing rule: new tickets matching every given condition go to the queue."""
    conditions = {
        "products": product,
        "components": component,
        "languages": language,
        "plans": plan,
        "types": type_,
        "priorities": priority,
        "channels": channel,
    }
    with running_desk() as app:
        rule = queues.create_routing_rule(
            app.desk,
            SYSTEM,
            queues.NewRoutingRule(
                name=name,
                queue=queue,
                conditions={k: v for k, v in conditions.items() if v},
                position=position,
                assign=assign,
            ),
        )
    say(f"Routing rule {rule.id} {rule.name!r}: {rule.conditions.describe()} → {rule.queue}.")


@queue_app.command("routes")
def list_routing_rules() -> None:
    """List the routing rules in the order they are tried."""
    with running_desk() as app:
        found = queues.list_routing_rules(app.desk, SYSTEM)
    rows = [
        [
            str(r.id),
            str(r.position),
            r.name,
            r.conditions.describe(),
            r.queue,
            "assign" if r.assign else "",
            "" if r.enabled else "disabled",
        ]
        for r in found
    ]
    say(render_table(["id", "pos", "name", "when", "queue", "", ""], rows))


# -- automation rules -------------------------------------------------------------------------

_COMPARISON = re.compile(r"^\s*([a-z_]+)\s*(!~|~|!=|>=|<=|=|>|<)\s*(.*?)\s*$")
_OPS = {"=": "eq", "!=": "ne", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def parse_when(text: str) -> dict[str, Any]:
    """``status=pending-customer``, ``priority=P1,P2``, ``hours_in_status>72``,
    ``tags~vip`` (has), ``tags!~vip`` (lacks), ``assigned=false``."""
    match = _COMPARISON.match(text)
    if not match or match[1] not in FIELDS:
        raise InvalidInputError(f"cannot read condition {text!r}; e.g. priority=P1 or tags~vip")
    name, symbol, raw = match[1], match[2], match[3]
    kind = FIELDS[name][0]
    if symbol in ("~", "!~"):
        return {"field": name, "op": "contains" if symbol == "~" else "not_contains", "value": raw}
    value: Any = raw
    if kind is FieldKind.NUMBER:
        try:
            value = float(raw) if "." in raw else int(raw)
        except ValueError:
            raise InvalidInputError(f"{name} compares with a number, not {raw!r}") from None
    elif kind is FieldKind.FLAG:
        value = raw.lower() in ("true", "yes", "1")
    elif "," in raw and symbol in ("=", "!="):
        return {"field": name, "op": "in" if symbol == "=" else "not_in", "value": raw.split(",")}
    return {"field": name, "op": _OPS[symbol], "value": value}


def parse_then(text: str, default_text: str | None) -> dict[str, Any]:
    """``set_priority=P1``, ``add_tag=vip``, ``assign=auto``, ``escalate=2``,
    ``add_note=Chase them``, ``notify=assignee``; ``--text`` fills reasons and messages."""
    kind, _, value = text.partition("=")
    kind = kind.strip()
    action: dict[str, Any] = {"type": kind}
    if kind == "add_note":
        action["text"] = value
    elif value:
        action["value"] = int(value) if value.isdigit() else value
    if kind in ("escalate", "notify", "set_status") and default_text:
        action["text"] = default_text
    return action


@rule_app.command("add")
def add_rule(
    name: Annotated[str, typer.Option(help="Name of the rule.")],
    when: Annotated[
        _Repeated, typer.Option(help="A condition, e.g. priority=P1; repeatable.")
    ] = None,
    then: Annotated[
        _Repeated, typer.Option(help="An action, e.g. add_tag=vip; repeatable.")
    ] = None,
    any_: Annotated[bool, typer.Option("--any", help="Any condition suffices (not all).")] = False,
    trigger: Annotated[Trigger, typer.Option(help="event or time.")] = Trigger.EVENT,
    on: Annotated[
        _Repeated, typer.Option(help="Event rules: triggering event; repeatable.")
    ] = None,
    text: Annotated[str | None, typer.Option(help="Reason or message for the actions.")] = None,
    from_json: Annotated[
        Path | None, typer.Option("--json", help="Read condition and actions from a JSON file.")
    ] = None,
) -> None:
    """Add an automation rule."""
    if from_json is not None:
        try:
            data = json.loads(from_json.read_text())
        except (OSError, ValueError) as exc:
            raise InvalidInputError(f"cannot read {from_json}: {exc}") from exc
        if not isinstance(data, dict):
            raise InvalidInputError(f"{from_json} must hold an object with condition and actions")
        condition, actions = data.get("condition", {}), data.get("actions", [])
    else:
        items = [parse_when(w) for w in when or []]
        condition = {"any" if any_ else "all": items}
        actions = [parse_then(t, text) for t in then or []]
    with running_desk() as app:
        rule = rules.create_rule(
            app.desk,
            SYSTEM,
            rules.NewRule(name, condition, actions, trigger=trigger, events=on or []),
        )
    say(f"Rule {rule.id} {rule.name!r} ({rule.trigger}): {rule.describe()}.")


@rule_app.command("list")
def list_rules() -> None:
    """List the automation rules."""
    with running_desk() as app:
        found = rules.list_rules(app.desk, SYSTEM)
    rows = [
        [
            str(r.id),
            r.name,
            str(r.trigger),
            ",".join(r.events) or ("(any event)" if r.trigger is Trigger.EVENT else ""),
            r.describe(),
            "" if r.enabled else "disabled",
        ]
        for r in found
    ]
    say(render_table(["id", "name", "trigger", "on", "rule", ""], rows))


@rule_app.command("disable")
def disable_rule(rule: Annotated[str, typer.Argument(help="Rule id or name.")]) -> None:
    """Disable a rule (it stays on record; enable it again through the API)."""
    with running_desk() as app:
        disabled = rules.disable_rule(app.desk, SYSTEM, rule)
    say(f"Disabled rule {disabled.id} {disabled.name!r}.")


# -- agents -----------------------------------------------------------------------------------


@agent_app.command("away")
def agent_away(email: Annotated[str, typer.Option(help="The agent's e-mail address.")]) -> None:
    """Mark an agent away: routing assigns them nothing until they are back."""
    with running_desk() as app:
        agent = agents.set_away(app.desk, SYSTEM, email, True)
    say(f"{agent.name} is away; routing skips them.")


@agent_app.command("back")
def agent_back(email: Annotated[str, typer.Option(help="The agent's e-mail address.")]) -> None:
    """Mark an agent back from being away."""
    with running_desk() as app:
        agent = agents.set_away(app.desk, SYSTEM, email, False)
    say(f"{agent.name} is back; routing assigns them work again.")
