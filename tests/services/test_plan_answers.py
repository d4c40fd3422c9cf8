"""Answers capped per support plan (issue 17): a plan can lower what the queue's policy lets
the answerer do — a premium plan that promises a person every time — and the stricter of the
two holds; leads set it."""

from __future__ import annotations

import pytest

from tests.factories import make_agent, make_contact, make_organisation
from tests.services.answer_world import FIX, remote_ticket, replies, run_jobs, trail, world
from tests.services.answer_world import answer_settings as settings  # noqa: F401
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.errors import InvalidInputError, PermissionDeniedError
from tierdesk.services import answers, people
from tierdesk.services.desk import Desk


def test_a_premium_plan_capped_at_suggest_gets_a_suggestion_where_the_queue_sends(
    desk: Desk,
) -> None:
    w = world(desk, AnswerPolicy.SEND)
    people.set_plan_answers(desk, w.lead, "premium", "suggest")
    premium = make_contact(desk, organisation=make_organisation(desk, plan="premium"))
    standard = make_contact(desk, organisation=make_organisation(desk, plan="standard"))
    capped = remote_ticket(desk, contact=premium)
    uncapped = remote_ticket(desk, contact=standard)
    run_jobs(desk)

    assert replies(desk, w.lead, capped) == []
    [(action, changes)] = trail(desk, w.lead, capped)
    assert action == "answer.suggested" and changes["policy"] == "suggest"
    assert FIX in replies(desk, w.lead, uncapped)[0]


def test_a_plan_capped_at_off_is_never_answered(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SEND)
    people.set_plan_answers(desk, w.lead, "premium", "off")
    premium = make_contact(desk, organisation=make_organisation(desk, plan="premium"))
    ticket = remote_ticket(desk, contact=premium)
    run_jobs(desk)

    assert answers.answer_of(desk, w.lead, ticket.number or "") is None


def test_a_plan_cannot_raise_what_the_queue_allows(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.DRAFT)
    people.set_plan_answers(desk, w.lead, "premium", "send")
    premium = make_contact(desk, organisation=make_organisation(desk, plan="premium"))
    ticket = remote_ticket(desk, contact=premium)
    run_jobs(desk)

    assert replies(desk, w.lead, ticket) == []
    assert [a for a, _ in trail(desk, w.lead, ticket)] == ["answer.drafted"]


def test_only_leads_cap_a_plan_and_only_with_a_policy_word(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.OFF)
    agent = make_agent(desk, tiers=[1])

    with pytest.raises(PermissionDeniedError):
        people.set_plan_answers(desk, agent, "premium", "off")
    with pytest.raises(InvalidInputError) as refused:
        people.set_plan_answers(desk, w.lead, "premium", "always a person")
    assert refused.value.data.get("field") == "answers"
    [premium] = [p for p in people.list_plans(desk) if p.key == "premium"]
    assert premium.answers is AnswerPolicy.SEND
