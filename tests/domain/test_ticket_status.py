"""The status machine: every pair of statuses, and the special doors (solve, close, reopen)."""

from __future__ import annotations

import itertools

import pytest

from tests.domain.objects import SYSTEM, a_ticket, an_agent, at, snapshot
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import ALLOWED_STATUS_CHANGES, Status, Ticket
from tierdesk.errors import InvalidInputError, InvalidTransitionError

PAIRS = list(itertools.product(Status, Status))


def _request(ticket: Ticket, new: Status, by: Actor) -> None:
    """Ask for ``new`` through the public door an agent would use."""
    if new is Status.SOLVED:
        ticket.solve("Replaced the power supply.", by, at(5))
    else:
        ticket.change_status(new, by, at(5), reason="because")


@pytest.mark.parametrize(
    ("old", "new"),
    [p for p in PAIRS if p[1] in ALLOWED_STATUS_CHANGES[p[0]]],
    ids=lambda s: str(s),
)
def test_an_allowed_status_change_is_applied_and_audited_once(old: Status, new: Status) -> None:
    ticket = a_ticket(status=old)
    agent = an_agent()

    _request(ticket, new, agent)

    assert ticket.status is new
    assert ticket.updated_at == at(5)
    [event] = ticket.pending_events
    assert event.action == "ticket.status_changed"
    assert event.changes["status"] == [str(old), str(new)]
    assert event.actor_kind == "agent"
    assert event.actor_id == agent.id
    assert event.public is True


@pytest.mark.parametrize(
    ("old", "new"),
    [p for p in PAIRS if p[1] not in ALLOWED_STATUS_CHANGES[p[0]]],
    ids=lambda s: str(s),
)
def test_a_status_change_outside_the_table_is_refused_and_changes_nothing(
    old: Status, new: Status
) -> None:
    ticket = a_ticket(status=old)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        _request(ticket, new, an_agent())

    assert snapshot(ticket) == before


def test_the_status_table_is_the_one_support_agreed_on() -> None:
    # Pinned on purpose: the table drives the tests above, so a change to it must show up here.
    new, open_, pc, pi, hold, solved, closed = (
        Status.NEW,
        Status.OPEN,
        Status.PENDING_CUSTOMER,
        Status.PENDING_INTERNAL,
        Status.ON_HOLD,
        Status.SOLVED,
        Status.CLOSED,
    )
    assert {
        new: {open_, pc, pi, hold, solved, closed},
        open_: {pc, pi, hold, solved},
        pc: {open_, pi, hold, solved},
        pi: {open_, pc, hold, solved},
        hold: {open_, pc, pi, solved},
        solved: {open_, closed},
        closed: set(),
    } == ALLOWED_STATUS_CHANGES


def test_no_status_may_follow_itself() -> None:
    assert all(status not in ALLOWED_STATUS_CHANGES[status] for status in Status)


def test_a_closed_ticket_has_no_way_out_and_every_other_status_leads_to_closed() -> None:
    assert ALLOWED_STATUS_CHANGES[Status.CLOSED] == frozenset()
    for start in Status:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in ALLOWED_STATUS_CHANGES[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert Status.CLOSED in seen, start


def test_no_status_leads_back_to_new() -> None:
    assert all(Status.NEW not in targets for targets in ALLOWED_STATUS_CHANGES.values())


def test_solving_records_the_resolution_and_the_time_in_the_event() -> None:
    ticket = a_ticket(status=Status.OPEN)

    ticket.solve("  Upgrade to firmware 4.2.  ", an_agent(), at(7))

    assert ticket.status is Status.SOLVED
    assert ticket.solved_at == at(7)
    assert ticket.resolution == "Upgrade to firmware 4.2."
    assert ticket.pending_events[-1].changes["resolution"] == "Upgrade to firmware 4.2."


@pytest.mark.parametrize("resolution", ["", "   ", "\n\t"])
def test_solving_without_a_resolution_is_refused_and_changes_nothing(resolution: str) -> None:
    ticket = a_ticket(status=Status.OPEN)
    before = snapshot(ticket)

    with pytest.raises(InvalidInputError):
        ticket.solve(resolution, an_agent(), at(7))

    assert snapshot(ticket) == before


def test_asking_for_solved_through_change_status_is_refused_in_favour_of_solve() -> None:
    ticket = a_ticket(status=Status.OPEN)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError) as refused:
        ticket.change_status(Status.SOLVED, an_agent(), at(1))

    assert refused.value.data["action"] == "solve"
    assert snapshot(ticket) == before


def test_reopening_a_solved_ticket_clears_solved_at_and_keeps_the_reason() -> None:
    ticket = a_ticket(status=Status.SOLVED)

    ticket.reopen(an_agent(), at(3), "  The fix did not hold.  ")

    assert ticket.status is Status.OPEN
    assert ticket.solved_at is None
    assert ticket.pending_events[-1].reason == "The fix did not hold."


def test_change_status_to_open_on_a_solved_ticket_is_a_reopen_with_a_default_reason() -> None:
    ticket = a_ticket(status=Status.SOLVED)

    ticket.change_status(Status.OPEN, an_agent(), at(3))

    assert ticket.solved_at is None
    assert ticket.pending_events[-1].reason == "reopened"


def test_reopening_without_a_reason_is_refused_and_changes_nothing() -> None:
    ticket = a_ticket(status=Status.SOLVED)
    before = snapshot(ticket)

    with pytest.raises(InvalidInputError):
        ticket.reopen(an_agent(), at(3), "  ")

    assert snapshot(ticket) == before


@pytest.mark.parametrize("status", [s for s in Status if s is not Status.SOLVED], ids=str)
def test_only_a_solved_ticket_can_be_reopened(status: Status) -> None:
    ticket = a_ticket(status=status)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        ticket.reopen(an_agent(), at(3), "still broken")

    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    "status",
    [Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL, Status.ON_HOLD],
    ids=str,
)
def test_a_ticket_being_worked_must_be_solved_before_it_is_closed(status: Status) -> None:
    ticket = a_ticket(status=status)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        ticket.close(an_agent(), at(2))

    assert snapshot(ticket) == before


@pytest.mark.parametrize("status", [Status.NEW, Status.SOLVED], ids=str)
def test_closing_sets_closed_at(status: Status) -> None:
    ticket = a_ticket(status=status)

    ticket.close(SYSTEM, at(2), "spam" if status is Status.NEW else None)

    assert ticket.status is Status.CLOSED
    assert ticket.closed_at == at(2)
    assert ticket.pending_events[-1].actor_kind == "system"


def test_closing_a_solved_ticket_keeps_when_it_was_solved() -> None:
    ticket = a_ticket(status=Status.SOLVED)
    solved_at = ticket.solved_at

    ticket.close(SYSTEM, at(2))

    assert ticket.solved_at == solved_at
    assert ticket.resolution == "Firmware 4.2 fixes it."
