"""Answers in the demo (issue 17): the lead lets the English intake queue send answers from the
desk's knowledge, and a handful of customers then ask in the portal what the known issues and
manuals already answer. The answerer decides each through its own job (run in-process by the
job runner, limited to that one task), so the demo shows what it would really do: an answer
with its citation, or nothing (a person takes it) — or, for a problem missing its facts, the
clarifying question.

Of the tickets it answered, in the order they were asked: the first customer says it solved
it (verified), the second says no (back to a person at L1, the attempt on the ticket), the
third never reacts (solved, assumed, by the hourly sweep ``answers.assume_solved_days``
later), and any later ones are still waiting for a verdict at the end of the history. Run
once everything is searchable; moves the demo's clock back into the history and leaves it
where it was (or at the end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tierdesk.adapters.clock import FixedClock
from tierdesk.demo.cast import Customer
from tierdesk.demo.clocked import index_tickets_now
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.messages import Channel
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import TicketType
from tierdesk.services import answer_outcomes, answers, queues, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS, TaskRegistry, run_next_job

ANSWERING_QUEUE = "intake-en"
# Portal questions: (days before the end, product, type, subject, text). Worded the way the
# known issues' customers wrote, not copied from them.
QUESTIONS = (
    (
        20,
        "Kestrel SBC",
        TicketType.PROBLEM,
        "Fax calls fail with 488 since the SBC upgrade to 6.0.0",
        "Since we upgraded the SBC from 5.4.0 to 6.0.0 every fax call fails: the SBC answers "
        "the T.38 re-INVITE with 488 Not Acceptable Here. Voice calls are fine.",
    ),
    (
        17,
        "Kestrel Edge",
        TicketType.PROBLEM,
        "Phones lose registration since the Edge upgrade to 13.0",
        "After upgrading our branch routers from 12.2 to 13.0 the phones behind the Edge lose "
        "their registration every few minutes, and some calls have one-way audio.",
    ),
    (
        14,
        "Kestrel Edge",
        TicketType.PROBLEM,
        "No BGP routes exchanged after the upgrade to Edge 13.0",
        "Since the upgrade to 13.0 our eBGP sessions are Established but no prefixes are "
        "received or announced, and our default route disappeared.",
    ),
    (
        2,
        "Kestrel DeskPhone",
        TicketType.PROBLEM,
        "KP-200 stuck in recovery mode after the upgrade to 4.0.1",
        "Several KP-200 phones show Image verify failed and stay in recovery mode after we "
        "upgraded them from 3.8 to 4.0.1. The KP-400 phones are fine.",
    ),
    (
        1,
        "Kestrel DeskPhone",
        TicketType.PROBLEM,
        "Display stays dark",
        "One of our phones has a dark display since this morning. Please help.",
    ),
)
VERDICT_AFTER = timedelta(hours=3)  # when the customer who reacts does
ANSWER_TICKETS = len(QUESTIONS)  # tickets this module adds to a build (with a search index)


@dataclass(frozen=True)
class AnsweredDemo:
    asked: int
    answered: int  # sent by the answerer
    questions: int  # clarifying questions it asked instead


def answer_portal_questions(
    desk: Desk, clock: FixedClock, customers: list[Customer], lead: Agent, end: datetime
) -> AnsweredDemo:
    back_to = clock.now()
    queues.update_queue(
        desk, lead, ANSWERING_QUEUE, queues.QueueChanges(answers=str(AnswerPolicy.SEND))
    )
    speakers = [c for customer in customers for c in customer.contacts if c.language == "en"]
    only_answers = TaskRegistry(tasks={answers.ANSWER_TASK: TASKS.get(answers.ANSWER_TASK)})
    sent: list[tuple[str, Contact, datetime]] = []
    opened: list[str] = []
    questions = 0
    for n, (days, product, kind, subject, text) in enumerate(QUESTIONS):
        contact = speakers[(3 * n) % len(speakers)]
        clock.at = (end - timedelta(days=days)).replace(
            hour=10 + n % 6, minute=5 * n, second=0, microsecond=0
        )
        ticket = tickets.open_ticket(
            desk,
            contact,
            tickets.NewTicket(
                subject=subject,
                body_text=text,
                channel=Channel.PORTAL,
                type=kind,
                catalog=tickets.CatalogRef(product=product),
                language="en",
            ),
        )
        opened.append(ticket.number or "")
        while run_next_job(desk, "demo", only_answers) is not None:
            pass
        attempt = answers.answer_of(desk, SYSTEM, ticket.number or "")
        if attempt is not None and attempt.asks:
            questions += 1
        elif attempt is not None and attempt.sent_at is not None:
            sent.append((ticket.number or "", contact, clock.now()))
    for i, (number, contact, at) in enumerate(sent[:2]):
        clock.at = at + VERDICT_AFTER
        answer_outcomes.judge_answer(desk, contact, number, solved=i == 0)
    clock.at = max(back_to, end)
    answer_outcomes.assume_solved(desk, {})  # the third (and any older) no one reacted to
    index_tickets_now(desk, opened)  # asked after the final index pass
    return AnsweredDemo(len(QUESTIONS), len(sent), questions)
