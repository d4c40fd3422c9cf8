"""The answerer (issue 17): a new L0/L1 ticket that a known issue's documented fix answers gets
that answer as its queue's policy says — suggested, drafted or sent — once, in the customer's
language, with its source and confidence on the trail; and never where the limits forbid."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.factories import full_packet, make_agent, make_contact
from tests.services.answer_world import (
    FIX,
    World,
    remote_ticket,
    replies,
    run_jobs,
    shown,
    trail,
    world,
)
from tests.services.answer_world import answer_settings as settings  # noqa: F401
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Tier
from tierdesk.domain.sla import ClockKind
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import PermissionDeniedError
from tierdesk.services import (
    answers,
    conversation,
    defects,
    escalation,
    incidents,
    queues,
    tickets,
)
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import NewAttachment
from tierdesk.services.desk import Desk


def test_policy_send_posts_the_cited_fix_and_waits_on_the_customer(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SEND)
    ticket = remote_ticket(desk)
    run_jobs(desk)

    after = shown(desk, w.lead, ticket)
    assert after.status is Status.PENDING_CUSTOMER
    [reply] = replies(desk, w.lead, ticket)
    assert FIX in reply
    assert "The remote control does not pair with the TV" in reply  # the citation
    assert "Did this solve it?" in reply
    [(action, changes)] = trail(desk, w.lead, ticket)
    assert action == "answer.sent"
    assert changes["source"] == "known-issue"
    assert changes["citation"] == "KI-1: The remote control does not pair with the TV"
    assert isinstance(changes["confidence"], float) and changes["confidence"] >= 0.3
    attempt = answers.answer_of(desk, w.lead, ticket.number or "")
    assert attempt is not None and attempt.sent_at is not None


def test_a_german_ticket_gets_the_german_frame_around_the_quoted_fix(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SEND)
    ticket = remote_ticket(desk, language="de")
    run_jobs(desk)

    [reply] = replies(desk, w.lead, ticket)
    assert reply.startswith("Vielen Dank für Ihre Anfrage.")
    assert "Hat das Ihr Problem gelöst?" in reply
    assert FIX in reply


def test_policy_suggest_stores_the_answer_for_the_agent_and_tells_the_customer_nothing(
    desk: Desk,
) -> None:
    w = world(desk, AnswerPolicy.SUGGEST)
    ticket = remote_ticket(desk)
    run_jobs(desk)

    assert replies(desk, w.lead, ticket) == []
    attempt = answers.answer_of(desk, w.lead, ticket.number or "")
    assert attempt is not None and attempt.sent_at is None and FIX in attempt.text
    assert [a for a, _ in trail(desk, w.lead, ticket)] == ["answer.suggested"]


def test_policy_draft_waits_for_the_agent_who_sends_it_with_one_click(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.DRAFT)
    ticket = remote_ticket(desk)
    run_jobs(desk)
    assert replies(desk, w.lead, ticket) == []

    answers.send_drafted_answer(desk, w.lead, ticket.number or "")

    [reply] = replies(desk, w.lead, ticket)
    assert FIX in reply
    assert shown(desk, w.lead, ticket).status is Status.PENDING_CUSTOMER
    assert [a for a, _ in trail(desk, w.lead, ticket)] == ["answer.drafted", "answer.sent"]


def test_policy_off_does_nothing(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.OFF)
    ticket = remote_ticket(desk)
    run_jobs(desk)

    assert answers.answer_of(desk, w.lead, ticket.number or "") is None
    assert replies(desk, w.lead, ticket) == []


def test_below_the_threshold_a_person_answers(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SEND)
    contact = make_contact(desk)
    ticket = tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(subject="Invoice address", body_text="Please change our billing city."),
    )
    run_jobs(desk)

    assert answers.answer_of(desk, w.lead, ticket.number or "") is None
    assert replies(desk, w.lead, ticket) == []


# -- the limits no policy lifts (each applied after opening, before the job runs) ------------


def _escalated_to_l2(desk: Desk, w: World, ticket: Ticket) -> None:
    escalation.escalate_ticket(
        desk, SYSTEM, ticket.number or "", Tier.L2, "needs a trace", full_packet()
    )


def _incident_linked(desk: Desk, w: World, ticket: Ticket) -> None:
    incidents.declare_incident(desk, w.lead, "Pairing service down", tickets=[ticket.number or ""])


def _defect_linked(desk: Desk, w: World, ticket: Ticket) -> None:
    found = defects.DefectInput(title="Pairing fails", actual="No pairing", steps=["Pair"])
    defects.open_defect(desk, w.lead, ticket.number or "", found)


def _restricted_diagnostics(desk: Desk, w: World, ticket: Ticket) -> None:
    conversation.add_message(
        desk,
        w.lead,
        ticket.number or "",
        MessageKind.INTERNAL_NOTE,
        text="Capture of the customer's TV.",
        attachments=[NewAttachment("tv.pcap", b"RESTRICTED", restricted=True)],
    )


def _agent_replied(desk: Desk, w: World, ticket: Ticket) -> None:
    conversation.add_message(
        desk, w.lead, ticket.number or "", MessageKind.PUBLIC_REPLY, text="Looking into it."
    )


Limit = Callable[[Desk, World, Ticket], None]


@pytest.mark.parametrize(
    "limit",
    [_escalated_to_l2, _incident_linked, _defect_linked, _restricted_diagnostics, _agent_replied],
)
def test_the_answerer_never_acts_beyond_its_limits(desk: Desk, limit: Limit) -> None:
    w = world(desk, AnswerPolicy.SEND)
    ticket = remote_ticket(desk)
    limit(desk, w, ticket)
    run_jobs(desk)

    assert answers.answer_of(desk, w.lead, ticket.number or "") is None
    assert all(FIX not in r for r in replies(desk, w.lead, ticket))
    assert trail(desk, w.lead, ticket) == []


def test_a_ticket_is_answered_once_even_when_its_job_runs_again(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.SEND)
    ticket = remote_ticket(desk)
    run_jobs(desk)

    answers.answer_ticket(desk, {"ticket_id": ticket.id})

    assert len(replies(desk, w.lead, ticket)) == 1


def test_only_leads_set_a_queue_answer_policy(desk: Desk) -> None:
    w = world(desk, AnswerPolicy.OFF)
    agent = make_agent(desk, tiers=[1])

    with pytest.raises(PermissionDeniedError):
        queues.update_queue(desk, agent, w.queue, queues.QueueChanges(answers="send"))
    assert queues.get_queue(desk, w.lead, w.queue).queue.answers is AnswerPolicy.OFF


def test_a_sent_answer_is_not_the_first_response_a_person_owes(desk: Desk) -> None:
    """Nobody responded yet: the clock keeps its deadline (paused while the customer is asked),
    and the first reply an agent writes is what meets it."""
    w = world(desk, AnswerPolicy.SEND)
    ticket = remote_ticket(desk)
    run_jobs(desk)
    assert ticket.id is not None

    def first_response_met() -> bool:
        with desk.uow() as uow:
            [clock] = [
                d
                for d in uow.deadlines.for_ticket(ticket.id or 0)
                if d.kind is ClockKind.FIRST_RESPONSE
            ]
            return clock.met_at is not None

    assert replies(desk, w.lead, ticket)  # the answer went out
    assert not first_response_met()
    conversation.add_message(
        desk,
        w.lead,
        ticket.number or "",
        MessageKind.PUBLIC_REPLY,
        text="Let me check that for you.",
    )
    assert first_response_met()
