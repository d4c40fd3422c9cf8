"""The pure routing decisions: which rule, which queue, which agent — and the why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierdesk.domain.people import Agent, Tier
from tierdesk.domain.routing import (
    Candidate,
    Queue,
    RoutingConditions,
    RoutingRule,
    TicketFacts,
    choose_assignee,
    first_matching_rule,
    normalise_queue_key,
    queue_for_level,
)
from tierdesk.errors import InvalidInputError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

GERMAN_SBC = TicketFacts(
    tier=Tier.L0,
    status="new",
    priority="P2",
    type="problem",
    channel="email",
    language="de",
    product_id=7,
    product_key="kestrel-sbc",
    product_name="Kestrel SBC",
    component_id=71,
    component_name="Media Relay",
    plan="standard",
)


def agent(
    name: str,
    id: int,
    *,
    languages: list[str] | None = None,
    skills: list[str] | None = None,
    tiers: list[int] | None = None,
    capacity: int = 20,
    away: bool = False,
    active: bool = True,
) -> Agent:
    return Agent(
        email=f"{name.lower()}@kestrel.example",
        name=name,
        created_at=T0,
        tiers=tiers or [1],
        languages=languages or ["en"],
        skills=skills or [],
        capacity=capacity,
        away=away,
        active=active,
        id=id,
    )


# -- assignment -----------------------------------------------------------------------------


def test_the_agent_who_speaks_the_language_and_knows_the_product_gets_the_ticket() -> None:
    anna = agent("Anna", 1, languages=["de", "en"], skills=["Kestrel SBC"])
    ben = agent("Ben", 2, skills=["Kestrel SBC"])
    carl = agent("Carl", 3, languages=["de"])

    choice = choose_assignee(
        [Candidate(ben, 0), Candidate(carl, 0), Candidate(anna, 3)], Tier.L1, GERMAN_SBC
    )

    assert choice.agent is anna
    assert choice.why == "Anna: speaks de, knows Kestrel SBC, 3/20 open"


def test_knowing_the_component_beats_knowing_only_the_product() -> None:
    product_person = agent("Pia", 1, languages=["de"], skills=["kestrel sbc"])
    component_person = agent("Cem", 2, languages=["de"], skills=["Media Relay"])

    choice = choose_assignee(
        [Candidate(product_person, 0), Candidate(component_person, 5)], Tier.L1, GERMAN_SBC
    )

    assert choice.agent is component_person
    assert "knows Media Relay" in choice.why


def test_language_comes_before_skill() -> None:
    speaks = agent("Dora", 1, languages=["de"])
    knows = agent("Eli", 2, skills=["Media Relay"])

    assert (
        choose_assignee([Candidate(knows, 0), Candidate(speaks, 0)], Tier.L1, GERMAN_SBC).agent
        is speaks
    )


def test_among_equal_skill_the_smaller_share_of_capacity_wins() -> None:
    busy = agent("Fay", 1, languages=["de"], capacity=10)  # 5/10 = half full
    roomy = agent("Gus", 2, languages=["de"], capacity=40)  # 8/40 = a fifth full

    choice = choose_assignee([Candidate(busy, 5), Candidate(roomy, 8)], Tier.L1, GERMAN_SBC)

    assert choice.agent is roomy
    assert "8/40 open" in choice.why


def test_equals_take_turns_longest_waiting_first_and_never_assigned_before_anyone() -> None:
    hal = agent("Hal", 1, languages=["de"])
    ida = agent("Ida", 2, languages=["de"])
    jon = agent("Jon", 3, languages=["de"])
    candidates = [
        Candidate(hal, 2, T0 + timedelta(minutes=5)),
        Candidate(ida, 2, T0),
        Candidate(jon, 2, T0 + timedelta(minutes=1)),
    ]

    first = choose_assignee(candidates, Tier.L1, GERMAN_SBC)
    newcomer = agent("Kim", 4, languages=["de"])
    with_newcomer = choose_assignee([*candidates, Candidate(newcomer, 2)], Tier.L1, GERMAN_SBC)

    assert first.agent is ida
    assert first.why.endswith("longest since last assignment among 3 equals")
    assert with_newcomer.agent is newcomer
    assert "never assigned before among 4 equals" in with_newcomer.why


def test_away_inactive_full_and_other_level_agents_are_skipped_and_named() -> None:
    away = agent("Lia", 1, languages=["de"], away=True)
    gone = agent("Max", 2, languages=["de"], active=False)
    full = agent("Ned", 3, languages=["de"], capacity=4)
    expert = agent("Ola", 4, languages=["de"], tiers=[3])
    left = agent("Pat", 5)

    choice = choose_assignee(
        [Candidate(away, 0), Candidate(gone, 0), Candidate(full, 4), Candidate(expert, 0),
         Candidate(left, 0)],
        Tier.L1,
        GERMAN_SBC,
    )  # fmt: skip

    assert choice.agent is left
    assert choice.why == (
        "Pat: does not speak de (no available member does), no available member knows "
        "Kestrel SBC, 0/20 open; skipped Lia (away), Max (inactive), Ned (at capacity 4/4), "
        "Ola (does not work L1)"
    )


def test_nobody_is_assigned_when_no_member_is_available_and_the_why_says_who_was_skipped() -> None:
    choice = choose_assignee([Candidate(agent("Quin", 1, away=True), 0)], Tier.L1, GERMAN_SBC)
    empty = choose_assignee([], Tier.L1, GERMAN_SBC)

    assert choice.agent is None
    assert choice.why == "nobody assigned: no member is available; skipped Quin (away)"
    assert empty == type(empty)(None, "nobody assigned: the queue has no members")


@given(
    loads=st.lists(
        st.tuples(st.integers(0, 30), st.integers(1, 30), st.booleans(), st.booleans()),
        min_size=1,
        max_size=8,
    )
)
def test_the_chosen_agent_is_never_away_full_or_beaten_by_a_better_candidate(
    loads: list[tuple[int, int, bool, bool]],
) -> None:
    candidates = [
        Candidate(agent(f"A{i}", i + 1, languages=["de"] if de else ["en"], capacity=cap,
                        away=away), open_)
        for i, (open_, cap, de, away) in enumerate(loads)
    ]  # fmt: skip

    chosen = choose_assignee(candidates, Tier.L1, GERMAN_SBC).agent

    free = [c for c in candidates if not c.agent.away and c.open_tickets < c.agent.capacity]
    if not free:
        assert chosen is None
        return
    assert chosen is not None and not chosen.away
    mine = next(c for c in candidates if c.agent is chosen)
    assert mine.open_tickets < chosen.capacity
    if "de" not in chosen.languages:
        assert not any("de" in c.agent.languages for c in free)


# -- rules and queues -------------------------------------------------------------------------


def test_the_first_enabled_rule_in_position_order_whose_conditions_all_hold_wins() -> None:
    rules = [
        RoutingRule("anything urgent", "l1-general", RoutingConditions(priorities=("P1",)), 5),
        RoutingRule("sbc", "l1-sbc", RoutingConditions(products=("kestrel-sbc",)), 20, id=2),
        RoutingRule("german", "l1-de", RoutingConditions(languages=("de",)), 10, id=3),
        RoutingRule("off", "l1-x", RoutingConditions(), 1, enabled=False, id=4),
    ]

    assert first_matching_rule(rules, GERMAN_SBC) is rules[2]


def test_conditions_need_every_named_list_to_accept_the_ticket() -> None:
    paid_sbc = RoutingConditions(products=("kestrel-sbc",), plans=("standard", "premium"))
    basic = TicketFacts(**{**GERMAN_SBC.__dict__, "plan": "basic"})

    assert paid_sbc.matches(GERMAN_SBC)
    assert not paid_sbc.matches(basic)
    assert RoutingConditions().matches(basic)
    assert paid_sbc.describe(GERMAN_SBC) == "product kestrel-sbc, plan standard"
    assert paid_sbc.describe() == "product kestrel-sbc, plan standard/premium"


def test_conditions_are_read_from_data_and_refuse_what_they_do_not_know() -> None:
    read = RoutingConditions.of({"languages": [" DE "], "priorities": ["p1"], "plans": None})

    assert read == RoutingConditions(languages=("de",), priorities=("P1",))
    assert read.to_dict() == {"languages": ["de"], "priorities": ["P1"]}
    for bad in ({"product": ["x"]}, {"languages": "de"}, {"languages": [""]}, {"types": [3]}):
        with pytest.raises(InvalidInputError):
            RoutingConditions.of(bad)


def test_the_most_specific_queue_of_the_level_serving_the_ticket_is_chosen() -> None:
    queues = [
        Queue("l2-all", "L2", Tier.L2, id=1),
        Queue("l2-sbc", "L2 SBC", Tier.L2, product_id=7, id=2),
        Queue("l2-relay", "L2 relay", Tier.L2, product_id=7, component_id=71, id=3),
        Queue("l2-relay-fr", "L2 relay fr", Tier.L2, 7, 71, ["fr"], id=4),
        Queue("l3-sbc", "L3 SBC", Tier.L3, product_id=7, id=5),
        Queue("l2-off", "L2 off", Tier.L2, 7, 71, ["de"], active=False, id=6),
    ]

    choice = queue_for_level(queues, Tier.L2, GERMAN_SBC)
    none = queue_for_level(queues, Tier.L4, GERMAN_SBC)

    assert choice.queue is queues[2]
    assert choice.why == "l2-relay is the L2 queue for Media Relay"
    assert none.queue is None
    assert none.why == "no active L4 queue serves Media Relay"


@pytest.mark.parametrize("key", ["", "has space", "-leading", "ü", "x" * 121])
def test_queue_keys_are_short_plain_words(key: str) -> None:
    with pytest.raises(InvalidInputError):
        normalise_queue_key(key)


def test_queue_keys_are_lower_case() -> None:
    assert normalise_queue_key(" L1-SBC.de_2 ") == "l1-sbc.de_2"
