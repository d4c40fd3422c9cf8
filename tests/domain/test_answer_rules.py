"""The answerer's limits and its frame, as pure rules (domain/answers.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tierdesk.domain.answers import (
    AnswerAttempt,
    AnswerGate,
    AnswerOutcome,
    AnswerPolicy,
    AnswerSource,
    SourceKind,
    compose_answer,
    count_answers,
    parse_policy,
    pick_in_ranking,
    why_not,
)
from tierdesk.domain.people import Tier
from tierdesk.errors import InvalidInputError

FREE = AnswerGate(
    tier=Tier.L1,
    incident_linked=False,
    defect_linked=False,
    restricted_diagnostics=False,
    answered_before=False,
    agent_replied=False,
)


def test_a_plain_l0_or_l1_ticket_may_be_answered() -> None:
    assert why_not(FREE) is None
    assert why_not(replace(FREE, tier=Tier.L0)) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"tier": Tier.L2}, "L0 and L1 only"),
        ({"tier": Tier.L3}, "L0 and L1 only"),
        ({"incident_linked": True}, "incident"),
        ({"defect_linked": True}, "defect"),
        ({"restricted_diagnostics": True}, "restricted diagnostics"),
        ({"answered_before": True}, "answered automatically before"),
        ({"agent_replied": True}, "agent has replied"),
    ],
)
def test_each_limit_leaves_the_ticket_to_a_person(change: dict[str, object], reason: str) -> None:
    said = why_not(replace(FREE, **change))  # type: ignore[arg-type]
    assert said is not None and reason in said


def test_an_unknown_policy_is_refused_beside_its_field() -> None:
    assert parse_policy(" Draft ") is AnswerPolicy.DRAFT
    with pytest.raises(InvalidInputError) as refused:
        parse_policy("always")
    assert refused.value.data.get("field") == "answers"


def test_a_manual_passage_in_another_language_is_quoted_with_a_note() -> None:
    source = AnswerSource(
        SourceKind.MANUAL,
        "article:1:2",
        "Smart TV manual",
        "Press and hold the Home button.",
        0.9,
        section="Pairing the remote",
        language="en",
    )
    text = compose_answer(source, "de", "/portal/tickets/TD-1")
    assert "Aus dem Handbuch Smart TV manual, Abschnitt \u201ePairing the remote\u201c:" in text
    assert "> Press and hold the Home button." in text
    assert "(Im Original zitiert, auf Englisch.)" in text
    assert "/portal/tickets/TD-1" in text


def test_a_passage_in_the_customers_language_has_no_note() -> None:
    source = AnswerSource(
        SourceKind.SOLUTION, "ticket:4", "Remote", "Hold Home.", 0.9, language="en"
    )
    assert "Quoted as written" not in compose_answer(source, "en", "/portal/tickets/TD-1")


def _attempt(ticket_id: int, policy: AnswerPolicy, **more: object) -> AnswerAttempt:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    return AnswerAttempt(
        ticket_id,
        "l1-tv",
        Tier.L1,
        policy,
        "en",
        SourceKind.MANUAL,
        "k",
        "c",
        0.9,
        "t",
        at,
        **more,  # type: ignore[arg-type]
    )


def test_the_counts_keep_the_desks_answers_apart_from_what_agents_sent() -> None:
    attempts = [
        _attempt(1, AnswerPolicy.SEND, outcome=AnswerOutcome.VERIFIED),
        _attempt(2, AnswerPolicy.SEND, outcome=AnswerOutcome.ASSUMED),
        _attempt(3, AnswerPolicy.SEND, outcome=AnswerOutcome.REOPENED),
        _attempt(4, AnswerPolicy.DRAFT, sent_by_agent=True),
        _attempt(5, AnswerPolicy.SUGGEST),
    ]

    [row] = count_answers(attempts, {(1, "l1-tv"): 10}, escalated={3})

    assert (row.tickets, row.answered, row.answered_share) == (10, 3, 0.3)
    assert (row.verified, row.assumed, row.reopened, row.escalated) == (1, 1, 1, 1)
    assert (row.offered, row.accepted, row.acceptance) == (2, 1, 0.5)


def test_a_first_hit_confident_enough_is_taken_over_a_more_confident_lower_one() -> None:
    # the rank order is the search's own judgement of which passage answers; a lower hit
    # that outscores a confident first one was right less often (bench/answers.py)
    assert pick_in_ranking([0.62, 0.91, 0.40], threshold=0.55) == 0


def test_below_a_first_hit_that_falls_short_the_highest_ranked_confident_one_is_taken() -> None:
    assert pick_in_ranking([0.30, 0.58, 0.93], threshold=0.55) == 1


def test_with_nothing_confident_enough_the_most_confident_hit_is_what_was_seen() -> None:
    assert pick_in_ranking([0.20, 0.45, 0.45], threshold=0.55) == 1
    assert pick_in_ranking([], threshold=0.55) is None
