"""The answerer's "ask" decision (issue 17): no answer is confident enough, but the ticket lacks
what its type needs — so it asks for that, in the customer's language, as its queue's policy
says; counted apart from answers, owed no verdict, and never repeated."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import make_contact
from tests.services.answer_world import answer_settings as settings  # noqa: F401
from tests.services.answer_world import replies, run_jobs, shown, trail, world
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.ticket_values import TicketType
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.services import answer_outcomes, answers, conversation, enrichment, metrics, tickets
from tierdesk.services.desk import Desk


def flicker_ticket(desk: Desk, language: str = "de", body: str | None = None) -> Ticket:
    """A problem nothing in the desk's knowledge answers, saying no version, error or time."""
    contact = make_contact(desk, language=language)
    return tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(
            subject="Das Bild flackert",
            body_text=body or "Das Bild flackert stark, bitte helfen Sie uns.",
            language=language,
            type=TicketType.PROBLEM,
        ),
    )


def test_policy_send_asks_for_the_missing_facts_in_the_customers_language(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SEND)
    ticket = flicker_ticket(desk)
    run_jobs(desk)

    [question] = replies(desk, w.lead, ticket)
    assert question.startswith("Vielen Dank für Ihre Anfrage. Damit wir Ihnen schnell helfen")
    assert "Softwareversion" in question
    assert shown(desk, w.lead, ticket).status is Status.PENDING_CUSTOMER
    [(action, changes)] = trail(desk, w.lead, ticket)
    assert action == "answer.asked" and changes["language"] == "de"
    attempt = answers.answer_of(desk, w.lead, ticket.number or "")
    assert attempt is not None and attempt.asks and attempt.sent_at is not None
    # The intake's proposed question is the one sent: the customer is asked once.
    [asked] = enrichment.clarifying_questions(desk, w.lead, ticket.number or "")
    assert asked.sent_at is not None and asked.text == question


def test_policy_suggest_shows_the_question_to_the_agent_only(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SUGGEST)
    ticket = flicker_ticket(desk)
    run_jobs(desk)

    assert replies(desk, w.lead, ticket) == []
    [(action, _changes)] = trail(desk, w.lead, ticket)
    assert action == "answer.ask_proposed"

    answers.send_drafted_answer(desk, w.lead, ticket.number or "")

    [question] = replies(desk, w.lead, ticket)
    assert "Softwareversion" in question
    [asked] = enrichment.clarifying_questions(desk, w.lead, ticket.number or "")
    assert asked.sent_at is not None


def test_a_ticket_that_says_what_it_needs_is_left_to_a_person(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SEND)
    ticket = flicker_ticket(
        desk,
        body="Seit dem 3. März 2026 um 10:00 flackert das Bild, Version 4.2.1, "
        "Fehlercode E-1043 auf dem Bildschirm.",
    )
    run_jobs(desk)

    assert answers.answer_of(desk, w.lead, ticket.number or "") is None
    assert replies(desk, w.lead, ticket) == []


def test_a_question_awaits_no_verdict_is_never_assumed_solved_and_never_asked_again(
    desk: Desk, clock: FixedClock
) -> None:
    w = world(desk, AnswerPolicy.SEND)
    ticket = flicker_ticket(desk)
    run_jobs(desk)

    assert answer_outcomes.awaiting_verdict(desk, w.lead, ticket.number or "") is None
    clock.advance(timedelta(days=30))
    answer_outcomes.assume_solved(desk, {})
    assert shown(desk, w.lead, ticket).status is Status.PENDING_CUSTOMER  # never "assumed"
    answers.answer_ticket(desk, {"ticket_id": ticket.id})
    assert len(replies(desk, w.lead, ticket)) == 1


def test_the_metrics_count_questions_apart_from_answers(desk: Desk, clock: FixedClock) -> None:
    w = world(desk, AnswerPolicy.SEND)
    flicker_ticket(desk)
    run_jobs(desk)

    clock.advance(timedelta(minutes=1))
    [row] = metrics.escalation_metrics(desk, w.lead).answers

    assert (row.asked, row.ask_proposed, row.answered, row.offered) == (1, 0, 0, 0)
    assert row.tickets == 1


def test_a_customer_reply_after_the_question_reaches_a_person_without_a_verdict(
    desk: Desk,
) -> None:
    w = world(desk, AnswerPolicy.SEND)
    contact = make_contact(desk, language="de")
    ticket = tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(
            subject="Das Bild flackert",
            body_text="Das Bild flackert stark.",
            language="de",
            type=TicketType.PROBLEM,
        ),
    )
    run_jobs(desk)

    conversation.add_message(
        desk,
        contact,
        ticket.number or "",
        MessageKind.CUSTOMER,
        text="Version 4.2.1, seit gestern.",
    )

    attempt = answers.answer_of(desk, w.lead, ticket.number or "")
    assert attempt is not None and attempt.outcome is None
    assert shown(desk, w.lead, ticket).status is Status.OPEN
