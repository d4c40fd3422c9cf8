"""The answerer's second decision (issue 17): when no answer is confident enough but the ticket
lacks what its type needs (``domain/clarify.py``'s checklist), it asks for that instead of
leaving the ticket untouched — sent as a public reply in the customer's language under the
policies ``draft`` and ``send`` (a question is no answer: nothing generated is claimed to
solve anything), proposed to the agent under ``suggest``.

It reuses the intake's clarifying question when the enrichment already proposed one (the
setting ``understanding.clarify``), so a ticket is never asked twice; one the enrichment sent
already leaves nothing to ask. The decision is the ticket's one answer attempt (source kind
``clarify``), so the answerer never acts on the ticket again; the customer's reply goes to a
person as any reply does.
"""

from __future__ import annotations

from tierdesk.domain.answers import AnswerAttempt, AnswerPolicy, SourceKind
from tierdesk.domain.clarify import ClarifyingQuestion, ClarifyMode, missing_facts, question_text
from tierdesk.domain.facts import kinds_present
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor, Agent
from tierdesk.domain.record_links import record_on_ticket
from tierdesk.domain.tickets import Ticket
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk
from tierdesk.services.enrichment import send_question
from tierdesk.services.languages import language_for_customer


def ask_for_facts(
    uow: UnitOfWork,
    desk: Desk,
    ticket: Ticket,
    policy: AnswerPolicy,
    confidence: float,
    by: Actor,
) -> AnswerAttempt | None:
    """Ask what the ticket lacks, as ``policy`` says; None when it lacks nothing (or was asked
    already, or its facts were never read): a person then takes it as it is."""
    assert ticket.id is not None
    assert ticket.queue is not None
    if desk.understanding is None or policy is AnswerPolicy.OFF:
        return None
    customer = [m for m in ticket.messages if m.kind is MessageKind.CUSTOMER]
    if not customer:
        return None
    asked = uow.clarifying_questions.for_ticket(ticket.id)
    if any(q.sent_at is not None for q in asked):
        return None
    facts = uow.facts.for_ticket(ticket.id, include_internal=False)
    has_attachment = any(m.attachments for m in customer)
    missing = missing_facts(str(ticket.type), kinds_present(facts), has_attachment)
    if not missing:
        return None
    now = desk.clock.now()
    if asked:
        question = asked[0]  # the intake's proposal, not sent yet
    else:
        text, language = question_text(missing, language_for_customer(uow, ticket))
        question = ClarifyingQuestion(
            ticket.id, [str(m) for m in missing], language, text, ClarifyMode.PROPOSE, now
        )
        uow.clarifying_questions.add(question)
        uow.flush()
    attempt = AnswerAttempt(
        ticket_id=ticket.id,
        queue=ticket.queue,
        tier=ticket.tier,
        policy=policy,
        language=question.language,
        source_kind=SourceKind.CLARIFY,
        source_key=f"clarify:{question.id}",
        citation="clarifying question: " + ", ".join(question.missing),
        confidence=round(confidence, 4),
        text=question.text,
        created_at=now,
    )
    uow.answers.add(attempt)
    changes = {
        "policy": str(policy),
        "missing": list(question.missing),
        "confidence": attempt.confidence,
        "language": question.language,
    }
    if policy is AnswerPolicy.SUGGEST:
        record_on_ticket(ticket, "answer.ask_proposed", by, now, changes=changes)
        return attempt
    send_asked_question(uow, desk, ticket, attempt, by)
    record_on_ticket(ticket, "answer.asked", by, now, changes=changes)
    return attempt


def send_asked_question(
    uow: UnitOfWork, desk: Desk, ticket: Ticket, attempt: AnswerAttempt, by: Actor
) -> None:
    """Send the clarifying question an ask decision holds (the answerer's or an agent's)."""
    question_id = int(attempt.source_key.removeprefix("clarify:"))
    question = uow.clarifying_questions.get(question_id)
    if question is None or question.sent_at is not None:
        attempt.sent_at = desk.clock.now()  # sent from the clarifying question's own button
        return
    question.mode = ClarifyMode.SEND
    send_question(uow, desk, ticket, question, by)
    attempt.sent_at, attempt.message_id = question.sent_at, question.message_id
    attempt.sent_by_agent = isinstance(by, Agent)
