"""queue create|list|route|routes and agent away|back: what they store, print and refuse."""

from __future__ import annotations

from tests.cli.conftest import Invoke
from tests.factories import make_agent, make_contact
from tests.routing.support import make_sbc, open_problem
from tierdesk.domain.people import Tier
from tierdesk.services import people, queues
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk


def test_queue_create_and_list_show_level_product_and_languages(
    tierdesk: Invoke, desk: Desk
) -> None:
    make_sbc(desk)

    created = tierdesk(
        "queue", "create", "--key", "l1-sbc-de", "--name", "SBC German", "--level", "L1",
        "--product", "kestrel-sbc", "--component", "Media Relay", "--language", "de",
    )  # fmt: skip
    catch_all = tierdesk("queue", "create", "--key", "l2", "--name", "L2", "--level", "2")
    listing = tierdesk("queue", "list")

    assert created.exit_code == 0, created.output
    assert created.stdout.startswith("Created queue l1-sbc-de (L1)")
    assert catch_all.exit_code == 0, catch_all.output
    [queue, _] = queues.list_queues(desk, SYSTEM)
    assert (queue.key, queue.tier, queue.languages) == ("l1-sbc-de", Tier.L1, ["de"])
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["key", "level", "name", "product", "component", "languages"]
    assert lines[2].split() == ["l1-sbc-de", "L1", "SBC", "German", "kestrel-sbc", "Media",
                                "Relay", "de"]  # fmt: skip
    assert lines[3].split() == ["l2", "L2", "L2", "(all)", "(all)"]


def test_queue_errors_are_one_line_and_exit_1(tierdesk: Invoke, desk: Desk) -> None:
    unknown_product = tierdesk(
        "queue", "create", "--key", "q", "--name", "Q", "--level", "1", "--product", "nope"
    )
    bad_level = tierdesk("queue", "create", "--key", "q", "--name", "Q", "--level", "L9")

    assert unknown_product.exit_code == 1
    assert unknown_product.stderr == "Error: unknown product 'nope'\n"
    assert bad_level.exit_code == 1
    assert bad_level.stderr.startswith("Error: unknown level 'L9'")
    assert queues.list_queues(desk, SYSTEM) == []


def test_queue_route_adds_a_routing_rule_that_routes_new_tickets(
    tierdesk: Invoke, desk: Desk
) -> None:
    make_sbc(desk)
    tierdesk("queue", "create", "--key", "l1-sbc", "--name", "SBC", "--level", "1")
    member = make_agent(desk, queues=["l1-sbc"])

    added = tierdesk(
        "queue", "route", "--name", "SBC problems", "--queue", "l1-sbc",
        "--product", "kestrel-sbc", "--type", "problem", "--priority", "p2",
    )  # fmt: skip
    listing = tierdesk("queue", "routes")
    ticket = open_problem(desk, make_contact(desk))

    assert added.exit_code == 0, added.output
    assert added.stdout == (
        "Routing rule 1 'SBC problems': product kestrel-sbc, type problem, priority P2 → l1-sbc.\n"
    )
    assert "SBC problems" in listing.stdout and "assign" in listing.stdout
    assert (ticket.queue, ticket.tier, ticket.assignee_id) == ("l1-sbc", Tier.L1, member.id)


def test_queue_route_refuses_a_position_past_the_stored_integer(
    tierdesk: Invoke, desk: Desk
) -> None:
    tierdesk("queue", "create", "--key", "l1", "--name", "L1", "--level", "1")

    refused = tierdesk(
        "queue", "route", "--name", "Far", "--queue", "l1", "--position", "3000000000"
    )

    assert refused.exit_code == 2  # a bad option, as the command line parser says it
    assert "--position" in refused.stderr and "1000000000" in refused.stderr  # the bound
    assert "Traceback" not in refused.output
    assert tierdesk("queue", "routes").stdout.count("Far") == 0


def is_away(desk: Desk, agent_id: int | None) -> bool:
    return next(a for a in people.list_agents(desk, SYSTEM) if a.id == agent_id).away


def test_agent_away_and_back_change_what_routing_sees(tierdesk: Invoke, desk: Desk) -> None:
    agent = make_agent(desk)

    away = tierdesk("agent", "away", "--email", agent.email.upper())
    assert away.exit_code == 0, away.output
    assert away.stdout == f"{agent.name} is away; routing skips them.\n"
    assert is_away(desk, agent.id)
    back = tierdesk("agent", "back", "--email", agent.email)
    assert back.exit_code == 0, back.output
    assert back.stdout == f"{agent.name} is back; routing assigns them work again.\n"
    assert not is_away(desk, agent.id)
    unknown = tierdesk("agent", "away", "--email", "ghost@kestrel.example")
    assert unknown.exit_code == 1
    assert unknown.stderr == "Error: no agent with e-mail ghost@kestrel.example\n"
