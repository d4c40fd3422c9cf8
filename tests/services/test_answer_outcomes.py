"""The customer closes the loop on a sent answer (issue 17): yes solves it, verified; no — or a
reply — hands it to a person at L1 with the attempt on its trail, never answered again; no
reaction in answers.assume_solved_days solves it, assumed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import make_contact
from tests.services.answer_world import (
    World,
    remote_ticket,
    replies,
    run_jobs,
    shown,
    trail,
    world,
)
from tests.services.answer_world import answer_settings as settings  # noqa: F401
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.answers import AnswerOutcome, AnswerPolicy
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Contact, Tier
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import InvalidTransitionError
from tierdesk.services import (
    answer_outcomes,
    answers,
    conversation,
    known_issues,
    metrics,
    queues,
    tickets,
)
from tierdesk.services.desk import Desk


def answered(desk: Desk, policy: AnswerPolicy = AnswerPolicy.SEND) -> tuple[World, Ticket, Contact]:
    w = world(desk, policy)
    contact = make_contact(desk)
    ticket = remote_ticket(desk, contact=contact)
    run_jobs(desk)
    return w, ticket, contact


def outcome(desk: Desk, w: World, ticket: Ticket) -> AnswerOutcome | None:
    attempt = answers.answer_of(desk, w.lead, ticket.number or "")
    assert attempt is not None
    return attempt.outcome


def test_yes_solves_the_ticket_as_verified(desk: Desk) -> None:
    w, ticket, contact = answered(desk)

    answer_outcomes.judge_answer(desk, contact, ticket.number or "", solved=True)

    solved = shown(desk, w.lead, ticket)
    assert solved.status is Status.SOLVED
    assert outcome(desk, w, ticket) is AnswerOutcome.VERIFIED
    # the portal shows a solved ticket's public answer: here, the answer the customer was sent,
    # without the "did this solve it?" paragraph that asked for this verdict
    [sent] = replies(desk, w.lead, ticket)
    assert solved.public_answer == sent.rsplit("\n\n", 1)[0]
    assert "Did this solve it?" in sent and "Did this solve it?" not in solved.public_answer
    assert [a for a, _ in trail(desk, w.lead, ticket)] == ["answer.sent", "answer.verified"]


def test_a_ticket_its_known_issues_fix_solved_becomes_one_of_that_issues_tickets(
    desk: Desk,
) -> None:
    w, ticket, contact = answered(desk)

    answer_outcomes.judge_answer(desk, contact, ticket.number or "", solved=True)

    [(issue, count)] = known_issues.list_known_issues(desk, w.lead)
    view = known_issues.get_known_issue(desk, w.lead, issue.id or 0)
    assert count == 1  # counted, and told when the issue is fixed
    assert [t.number for t in view.tickets] == [ticket.number]
    events = tickets.ticket_events(desk, w.lead, ticket.number or "")
    assert [e.changes["record"] for e in events if e.action == "known-issue.linked"] == [
        f"KI-{issue.id}"
    ]


def test_no_hands_it_to_a_person_at_l1_and_it_is_never_answered_again(desk: Desk) -> None:
    w, ticket, contact = answered(desk)

    answer_outcomes.judge_answer(desk, contact, ticket.number or "", solved=False)

    after = shown(desk, w.lead, ticket)
    assert after.status is Status.OPEN and after.tier is Tier.L1
    assert outcome(desk, w, ticket) is AnswerOutcome.REOPENED
    assert [a for a, _ in trail(desk, w.lead, ticket)] == ["answer.sent", "answer.reopened"]
    answers.answer_ticket(desk, {"ticket_id": ticket.id})  # were it ever run again
    assert len(replies(desk, w.lead, ticket)) == 1
    with pytest.raises(InvalidTransitionError):
        answer_outcomes.judge_answer(desk, contact, ticket.number or "", solved=True)


def test_a_reply_from_the_customer_counts_as_no(desk: Desk) -> None:
    w, ticket, contact = answered(desk)

    conversation.add_message(
        desk, contact, ticket.number or "", MessageKind.CUSTOMER, text="Still does not pair."
    )

    assert shown(desk, w.lead, ticket).status is Status.OPEN
    assert outcome(desk, w, ticket) is AnswerOutcome.REOPENED
    assert answer_outcomes.awaiting_verdict(desk, contact, ticket.number or "") is None


def test_no_at_l0_moves_the_ticket_to_an_l1_queue(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.OFF)
    intake = queues.create_queue(desk, w.lead, queues.NewQueue("intake", "Intake", Tier.L0))
    queues.update_queue(desk, w.lead, intake.key, queues.QueueChanges(answers="send"))
    for rule in queues.list_routing_rules(desk, w.lead):
        queues.delete_routing_rule(desk, w.lead, rule.id or 0)
    queues.create_routing_rule(
        desk, w.lead, queues.NewRoutingRule(name="intake", queue=intake.key, assign=False)
    )
    contact = make_contact(desk)
    ticket = remote_ticket(desk, contact=contact)
    run_jobs(desk)
    assert shown(desk, w.lead, ticket).tier is Tier.L0

    answer_outcomes.judge_answer(desk, contact, ticket.number or "", solved=False)

    after = shown(desk, w.lead, ticket)
    assert after.tier is Tier.L1 and after.queue == w.queue


def test_no_reaction_in_the_set_days_solves_it_as_assumed(desk: Desk, clock: FixedClock) -> None:
    w, ticket, _contact = answered(desk)
    clock.advance(timedelta(days=6, hours=23))
    answer_outcomes.assume_solved(desk, {})
    assert shown(desk, w.lead, ticket).status is Status.PENDING_CUSTOMER

    clock.advance(timedelta(hours=2))
    answer_outcomes.assume_solved(desk, {})

    assert shown(desk, w.lead, ticket).status is Status.SOLVED
    assert outcome(desk, w, ticket) is AnswerOutcome.ASSUMED


def test_the_metrics_count_each_outcome_honestly_per_level_and_queue(
    desk: Desk, clock: FixedClock
) -> None:
    w = world(desk, AnswerPolicy.SEND)
    judged = []
    for _ in range(3):
        contact = make_contact(desk)
        judged.append((remote_ticket(desk, contact=contact), contact))
    run_jobs(desk)
    (yes, yes_by), (no, no_by), _waiting = judged
    answer_outcomes.judge_answer(desk, yes_by, yes.number or "", solved=True)
    answer_outcomes.judge_answer(desk, no_by, no.number or "", solved=False)

    clock.advance(timedelta(minutes=1))  # the period ends before now
    report = metrics.escalation_metrics(desk, w.lead)

    [row] = report.answers
    assert (row.level, row.queue) == (1, w.queue)
    assert (row.tickets, row.answered, row.verified, row.reopened, row.waiting) == (3, 3, 1, 1, 1)
    assert (row.assumed, row.escalated, row.offered) == (0, 0, 0)
    assert row.answered_share == 1.0
