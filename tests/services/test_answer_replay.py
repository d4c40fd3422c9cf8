"""``tierdesk eval replay`` (issue 17): the answerer's decision taken again over the desk's own
solved tickets, compared with how each was solved — without writes, without seeing the
ticket's own answer or anything newer than the ticket, and within the same limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.factories import full_packet, make_contact
from tests.services.answer_world import World, remote_ticket, run_jobs, world
from tests.services.answer_world import answer_settings as settings  # noqa: F401
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Ticket
from tierdesk.services import (
    answer_outcomes,
    answer_replay,
    conversation,
    defects,
    escalation,
    incidents,
    known_issues,
    tickets,
)
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import NewAttachment
from tierdesk.services.desk import Desk


def _solve(desk: Desk, w: World, ticket: Ticket, answer: str = "Pair it again.") -> None:
    tickets.solve_ticket(desk, w.lead, ticket.number or "", "Re-paired the remote.", answer)


def _replay(desk: Desk) -> dict[int, answer_replay.ReplayCase]:
    ids = answer_replay.solved_ticket_ids(desk)
    return {c.ticket_id: c for c in answer_replay.replay_answers(desk, ids)}


def test_a_ticket_solved_by_its_known_issue_is_answered_right_in_replay(
    desk: Desk, clock: FixedClock
) -> None:
    w = world(desk, AnswerPolicy.OFF)  # the known issue "KI-1", created now
    clock.advance(timedelta(hours=1))
    remote = remote_ticket(desk)
    known_issues.link_known_issue(desk, w.lead, 1, remote.number or "", send_fix=False)
    _solve(desk, w, remote)
    other = tickets.open_ticket(
        desk,
        make_contact(desk),
        tickets.NewTicket(subject="Invoice address", body_text="Please change our billing city."),
    )
    _solve(desk, w, other, "Changed.")

    cases = _replay(desk)

    assert cases[remote.id or 0].answered and cases[remote.id or 0].right
    assert cases[remote.id or 0].source_key == "known-issue-record:1"
    assert not cases[other.id or 0].answered
    figures = answer_replay.replay_figures(list(cases.values()), 0.3)
    assert figures["coverage"] == 0.5 and figures["precision"] == 1.0
    assert figures["tickets"] == 2 and figures["threshold"] == 0.3


def test_an_answer_from_a_source_the_ticket_was_not_solved_with_counts_wrong(
    desk: Desk, clock: FixedClock
) -> None:
    w = world(desk, AnswerPolicy.OFF)
    clock.advance(timedelta(hours=1))
    remote = remote_ticket(desk)
    _solve(desk, w, remote, "We replaced the TV.")  # not linked, no manual named

    [case] = _replay(desk).values()

    assert case.answered and not case.right


def test_replay_never_sees_knowledge_newer_than_the_ticket(desk: Desk, clock: FixedClock) -> None:
    remote = remote_ticket(desk)
    clock.advance(timedelta(hours=1))
    w = world(desk, AnswerPolicy.OFF)  # the known issue is written after the ticket
    _solve(desk, w, remote)

    [case] = _replay(desk).values()

    assert not case.answered


def test_replay_never_answers_from_the_tickets_own_solution(desk: Desk, clock: FixedClock) -> None:
    w = world(desk, AnswerPolicy.OFF)
    clock.advance(timedelta(hours=1))
    ticket = tickets.open_ticket(
        desk,
        make_contact(desk),
        tickets.NewTicket(
            subject="Subtitles vanish in the streaming app",
            body_text="The subtitles vanish after a minute in the streaming app.",
        ),
    )
    _solve(desk, w, ticket, "Switch subtitles off and on in the streaming app's settings.")
    clock.advance(timedelta(hours=1))
    later = tickets.open_ticket(
        desk,
        make_contact(desk),
        tickets.NewTicket(
            subject="Subtitles vanish in the streaming app",
            body_text="The subtitles vanish after a minute in the streaming app.",
        ),
    )
    _solve(desk, w, later, "Switch subtitles off and on in the streaming app's settings.")

    cases = _replay(desk)

    assert not cases[ticket.id or 0].answered  # its own answer is not there to find
    # The later ticket may learn from the earlier one: the same resolution counts as right.
    assert cases[later.id or 0].answered
    assert cases[later.id or 0].source_key == f"ticket:{ticket.id}"
    assert cases[later.id or 0].right


# -- the limits hold in replay too -----------------------------------------------------------


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


Limit = Callable[[Desk, World, Ticket], None]


@pytest.mark.parametrize(
    "limit", [_escalated_to_l2, _incident_linked, _defect_linked, _restricted_diagnostics]
)
def test_replay_never_answers_beyond_the_limits(
    desk: Desk, clock: FixedClock, limit: Limit
) -> None:
    w = world(desk, AnswerPolicy.OFF)
    clock.advance(timedelta(hours=1))
    ticket = remote_ticket(desk)
    known_issues.link_known_issue(desk, w.lead, 1, ticket.number or "", send_fix=False)
    limit(desk, w, ticket)
    _solve(desk, w, ticket)

    [case] = _replay(desk).values()

    assert not case.answered and case.refused is not None


def test_a_ticket_its_customer_confirmed_the_desks_answer_on_counts_that_source_right(
    desk: Desk, clock: FixedClock
) -> None:
    world(desk, AnswerPolicy.SEND)
    clock.advance(timedelta(hours=1))
    contact = make_contact(desk)
    ticket = remote_ticket(desk, contact=contact)
    run_jobs(desk)
    answer_outcomes.judge_answer(desk, contact, ticket.number or "", solved=True)

    [case] = _replay(desk).values()

    assert case.source_key == "known-issue-record:1"
    assert case.answered and case.right
