"""The customer closes the loop on an answer the desk sent (issue 17, ``services/answers.py``).

"Yes, it solved it" (the portal's button) solves the ticket, counted as verified. "No" — the
button, or any reply by mail or portal, which the ``message.added`` handler reads as a no —
puts the ticket back to a person at L1 with the attempt on its trail; the answerer never acts
on it again (one attempt per ticket, ``domain/answers.py``). No reaction within
``answers.assume_solved_days`` solves it, counted as assumed (the periodic job
``answers.assume_solved``), never as verified.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from tierdesk.domain.answers import AnswerAttempt, AnswerOutcome, SourceKind, settled_answer
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor, Contact, Tier
from tierdesk.domain.record_links import record_on_ticket
from tierdesk.domain.ticket_values import Status
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidTransitionError, PermissionDeniedError, TicketNotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket
from tierdesk.services.answers import ANSWERER, portal_link
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS
from tierdesk.services.known_issues import KIND as KNOWN_ISSUE
from tierdesk.services.known_issues import known_issue_of_document
from tierdesk.services.linked_records import link_to_record
from tierdesk.services.routing import place_in_queue, ticket_facts

logger = logging.getLogger(__name__)

ASSUME_TASK = "answers.assume_solved"


def awaiting_verdict(desk: Desk, actor: Actor, reference: int | str) -> AnswerAttempt | None:
    """The sent answer the ticket's customer has not judged yet (None: nothing to ask)."""
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        attempt = uow.answers.for_ticket(ticket.id)
    if attempt is None or attempt.asks or attempt.sent_at is None or attempt.outcome is not None:
        return None
    return attempt if ticket.status.is_active else None


def judge_answer(desk: Desk, actor: Actor, reference: int | str, solved: bool) -> Ticket:
    """The customer's verdict on the answer they were sent (theirs alone to give)."""
    if not isinstance(actor, Contact):
        raise PermissionDeniedError(
            "only the customer says whether the answer solved it", action="judge the answer"
        )
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        attempt = uow.answers.for_ticket(ticket.id)
        waiting = attempt is not None and attempt.sent_at is not None and not attempt.asks
        if attempt is None or not waiting or attempt.outcome is not None:
            raise InvalidTransitionError(
                f"{ticket.number} has no answer waiting for your verdict", ticket=ticket.number
            )
        if solved:
            _solve(uow, desk, ticket, attempt, AnswerOutcome.VERIFIED, actor)
        else:
            _back_to_a_person(uow, desk, ticket, attempt, actor, "the customer said no")
        uow.commit()
        return ticket


def _solve(
    uow: UnitOfWork,
    desk: Desk,
    ticket: Ticket,
    attempt: AnswerAttempt,
    outcome: AnswerOutcome,
    by: Actor,
) -> None:
    now = desk.clock.now()
    how = "confirmed by the customer" if outcome is AnswerOutcome.VERIFIED else "assumed"
    # The customer's answer is what they were sent (an agent may have edited a draft), so the
    # portal and later suggestions show it like any solved ticket's public answer.
    sent = next((m.body_text for m in ticket.messages if m.id == attempt.message_id), attempt.text)
    sent = settled_answer(sent, portal_link(desk, ticket.number or str(ticket.id)))
    ticket.solve(
        f"Solved by the desk's answer from {attempt.citation} ({how}).", by, now, public_answer=sent
    )
    attempt.outcome, attempt.outcome_at = outcome, now
    record_on_ticket(
        ticket,
        f"answer.{outcome.value}",
        by,
        now,
        changes={"citation": attempt.citation, "confidence": attempt.confidence},
    )
    _link_known_issue(uow, desk, ticket, attempt, now)


def _link_known_issue(
    uow: UnitOfWork, desk: Desk, ticket: Ticket, attempt: AnswerAttempt, now: Any
) -> None:
    """A ticket its known issue's fix solved is one of that issue's tickets, as if an agent had
    linked it: the issue counts it, and the notice when the issue is fixed reaches it."""
    issue_id = known_issue_of_document(attempt.source_key)
    if attempt.source_kind is not SourceKind.KNOWN_ISSUE or issue_id is None:
        return
    issue = uow.known_issues.get(issue_id)
    existing = uow.record_links.of_record(KNOWN_ISSUE, issue_id)
    if issue is None or any(link.ticket_id == ticket.id for link in existing):
        return  # retired and gone since, or an agent linked it meanwhile
    link_to_record(
        uow, desk, ANSWERER, KNOWN_ISSUE, issue_id, issue.title, ticket.id or 0, now, existing
    )


def _back_to_a_person(
    uow: UnitOfWork, desk: Desk, ticket: Ticket, attempt: AnswerAttempt, by: Actor, why: str
) -> None:
    now = desk.clock.now()
    attempt.outcome, attempt.outcome_at = AnswerOutcome.REOPENED, now
    if ticket.status is Status.PENDING_CUSTOMER:
        ticket.change_status(Status.OPEN, by, now, why)
    if ticket.tier is Tier.L0:
        _to_level_one(uow, desk, ticket, now, why)
    record_on_ticket(
        ticket,
        "answer.reopened",
        by,
        now,
        changes={"citation": attempt.citation, "confidence": attempt.confidence},
        reason=why,
    )


def _to_level_one(uow: UnitOfWork, desk: Desk, ticket: Ticket, now: Any, why: str) -> None:
    """An L0 ticket whose answer did not help goes to the most specific active L1 queue that
    serves it (none: it stays in intake, open, for a person to place)."""
    facts = ticket_facts(uow, ticket, now)
    serving = [q for q in uow.queues.all() if q.active and q.tier is Tier.L1 and q.serves(facts)]
    if serving:
        best = max(serving, key=lambda q: q.specificity)
        place_in_queue(uow, ticket, best.key, f"answer did not solve it: {why}", ANSWERER, now)


def reply_means_no(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """On ``message.added``: the customer writing back on a ticket whose answer awaits their
    verdict says it did not solve it."""
    if ticket.id is None or event.changes.get("kind") != str(MessageKind.CUSTOMER):
        return
    attempt = uow.answers.for_ticket(ticket.id)
    if attempt is None or attempt.asks or attempt.sent_at is None or attempt.outcome is not None:
        return  # a reply to a clarifying question is the facts asked for, not a verdict
    _back_to_a_person(uow, desk, ticket, attempt, ANSWERER, "the customer replied")


@TASKS.every(timedelta(hours=1), name=ASSUME_TASK)
def assume_solved(desk: Desk, payload: dict[str, Any]) -> None:
    """Answers nobody reacted to in ``answers.assume_solved_days``: solved, assumed. A ticket a
    person has since taken up (no longer waiting on the customer) is left to them."""
    days = desk.answer_settings.assume_solved_days
    cutoff = desk.clock.now() - timedelta(days=days)
    with desk.uow() as uow:
        for attempt in uow.answers.awaiting_reaction(cutoff):
            try:
                ticket = access_ticket(uow, SYSTEM, attempt.ticket_id, desk.ticket_prefix)
            except TicketNotFoundError:
                continue
            if ticket.status is Status.PENDING_CUSTOMER and not attempt.asks:
                _solve(uow, desk, ticket, attempt, AnswerOutcome.ASSUMED, ANSWERER)
        uow.commit()
