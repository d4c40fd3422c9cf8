"""Kestrel's queues and routing rules: one intake queue per customer language at L0, and a queue
per product at L1-L3 with a single development queue at L4. Created through the public services
before the first ticket, so every new ticket is routed (and assigned by language, skill and load)
and every escalation and bounce moves the ticket to the queue of its new level, each with its
recorded why."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.demo.catalog import PRODUCTS
from tierdesk.domain.people import Agent, Tier
from tierdesk.domain.routing import Queue, RoutingRule
from tierdesk.services import agents as agent_changes
from tierdesk.services import queues
from tierdesk.services.catalog import product_key
from tierdesk.services.desk import Desk

# The languages Kestrel's customers write in, with the queue that sorts them at intake.
INTAKE_LANGUAGES = {
    "de": "German",
    "fr": "French",
    "it": "Italian",
    "es": "Spanish",
    "en": "English",
}
# L4 is development: one queue for every product, because the same few engineers take all.
PRODUCT_LEVELS = (Tier.L1, Tier.L2, Tier.L3)


@dataclass(frozen=True)
class DemoRouting:
    queues: list[Queue]
    rules: list[RoutingRule]


def _product_short(name: str) -> str:
    return product_key(name).removeprefix("kestrel-")


def queue_specs() -> list[queues.NewQueue]:
    specs = [
        queues.NewQueue(
            key=f"intake-{code}",
            name=f"Intake ({language})",
            tier=Tier.L0,
            languages=[code],
        )
        for code, language in INTAKE_LANGUAGES.items()
    ]
    specs += [
        queues.NewQueue(
            key=f"{tier.label.lower()}-{_product_short(product.name)}",
            name=f"{tier.label} {product.name}",
            tier=tier,
            product=product_key(product.name),
        )
        for tier in PRODUCT_LEVELS
        for product in PRODUCTS
    ]
    specs.append(queues.NewQueue(key="l4-development", name="L4 Development", tier=Tier.L4))
    return specs


def _joins(agent: Agent, queue: Queue, product_names: dict[int, str]) -> bool:
    """An agent works a queue when they work its level, speak one of its languages (if it
    names any) and know its product (if it has one; generalists without skills know all)."""
    if queue.tier not in agent.tiers:
        return False
    if queue.languages and not set(queue.languages) & {x.lower() for x in agent.languages}:
        return False
    if queue.product_id is None or not agent.skills:
        return True
    return product_names[queue.product_id] in agent.skills


def create_routing(desk: Desk, agents: list[Agent], lead: Agent) -> DemoRouting:
    """The queues, who works each, and the intake rules, configured by ``lead``."""
    created = [queues.create_queue(desk, lead, spec) for spec in queue_specs()]
    product_ids = {product_key(p.name): p.name for p in PRODUCTS}
    names = {
        q.product_id: product_ids[spec.product]
        for q, spec in zip(created, queue_specs(), strict=True)
        if q.product_id is not None and spec.product is not None
    }
    for agent in agents:
        keys = [q.key for q in created if _joins(agent, q, names)]
        assert agent.id is not None
        agent_changes.update_agent(desk, lead, agent.id, agent_changes.AgentChanges(queues=keys))
    rules = [
        queues.create_routing_rule(
            desk,
            lead,
            queues.NewRoutingRule(
                name=f"{language}-speaking customers to intake",
                queue=f"intake-{code}",
                conditions={"languages": [code]},
            ),
        )
        for code, language in INTAKE_LANGUAGES.items()
    ]
    return DemoRouting(created, rules)
