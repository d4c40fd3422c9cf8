"""Routing keeps its configuration (rules, queues, levels, plans) per process, like the
catalogue (issue 19): a new ticket reads only the reference versions, and a change made through
the services the admin pages and the API call is seen by the next ticket routed, in this process
and in another one over the same database (both engines)."""

from __future__ import annotations

from sqlalchemy import select

from tests.routing.support import open_problem, routing_world
from tests.writes import statements_sent
from tierdesk.adapters.clock import FixedClock
from tierdesk.adapters.db.reference_versions import reference_versions
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings
from tierdesk.domain.people import Tier
from tierdesk.services import plans, queues
from tierdesk.services.auth import SYSTEM


def _table_read(statement: str) -> str:
    return statement.split(" FROM ", 1)[1].split()[0] if " FROM " in statement else ""


def _versions(app: Tierdesk) -> dict[str, int]:
    with app.engine.connect() as connection:
        rows = connection.execute(select(reference_versions.c.name, reference_versions.c.version))
        return {name: int(version) for name, version in rows}


def test_a_routed_ticket_reads_no_routing_configuration_while_nothing_changed(
    app: Tierdesk,
) -> None:
    world = routing_world(app.desk)
    open_problem(app.desk, world.german)

    with statements_sent(app.engine) as statements:
        ticket = open_problem(app.desk, world.german)
    sent = [s for s in statements if s.upper().startswith("SELECT")]

    assert (ticket.queue, ticket.tier) == ("l1-sbc", Tier.L1)
    configuration = [
        s
        for s in sent
        if _table_read(s) in ("routing_rules", "levels", "support_plans")
        # The queue a ticket is assigned in is still read (and locked, on PostgreSQL) there.
        or (_table_read(s) == "queues" and " WHERE " not in s)
    ]
    assert configuration == []


def test_editing_routing_rules_queues_and_plans_raises_their_reference_versions(
    app: Tierdesk,
) -> None:
    routing_world(app.desk)
    [sbc_rule, _urgent] = queues.list_routing_rules(app.desk, SYSTEM)
    assert sbc_rule.id is not None
    before = _versions(app)

    queues.update_routing_rule(
        app.desk, SYSTEM, sbc_rule.id, queues.RoutingRuleChanges(enabled=False)
    )
    after_rule = _versions(app)
    queues.update_queue(app.desk, SYSTEM, "l1-sbc", queues.QueueChanges(active=False))
    after_queue = _versions(app)

    assert after_rule["routing"] > before["routing"]
    assert after_rule["queues"] == before["queues"]
    assert after_queue["queues"] > after_rule["queues"]
    assert set(before) >= {"routing", "queues", "levels", "plans", "sla", "catalog"}


def test_a_routing_change_in_one_desk_routes_the_next_ticket_in_another_over_the_same_database(
    settings: Settings, clock: FixedClock
) -> None:
    one, other = bootstrap(settings, clock=clock), bootstrap(settings, clock=clock)
    try:
        world = routing_world(one.desk)
        [sbc_rule, _urgent] = queues.list_routing_rules(one.desk, SYSTEM)
        assert sbc_rule.id is not None
        # Both processes have routed a ticket, so both hold the configuration.
        assert open_problem(one.desk, world.german).queue == "l1-sbc"
        assert open_problem(other.desk, world.german).queue == "l1-sbc"

        # A rule disabled in one process: the other routes its next ticket by the urgent rule.
        queues.update_routing_rule(
            one.desk, SYSTEM, sbc_rule.id, queues.RoutingRuleChanges(enabled=False)
        )
        assert open_problem(other.desk, world.german).queue == "l1-general"
        assert open_problem(one.desk, world.german).queue == "l1-general"

        # A queue deactivated in the other: the rule matches but the ticket stays at intake.
        queues.update_queue(other.desk, SYSTEM, "l1-general", queues.QueueChanges(active=False))
        for desk in (one.desk, other.desk):
            ticket = open_problem(desk, world.german)
            assert (ticket.tier, ticket.queue) == (Tier.L0, None)

        # A rule pointed at another queue (the rules are kept with their queues' keys).
        queues.update_routing_rule(
            other.desk, SYSTEM, sbc_rule.id, queues.RoutingRuleChanges(enabled=True, queue="l2-sbc")
        )
        for desk in (one.desk, other.desk):
            ticket = open_problem(desk, world.german)
            assert (ticket.tier, ticket.queue) == (Tier.L2, "l2-sbc")

        # The customer's plan made to reach L1 only: L2 is out of its reach in both.
        plans.update_plan(one.desk, SYSTEM, "standard", plans.PlanChanges(highest_tier=Tier.L1))
        for desk in (other.desk, one.desk):
            ticket = open_problem(desk, world.german)
            assert (ticket.tier, ticket.queue) == (Tier.L0, None)
    finally:
        one.close()
        other.close()
