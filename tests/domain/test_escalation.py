"""Escalating and de-escalating: direction, reason, hand-off note, assignee and followers."""

from __future__ import annotations

import pytest

from tests.domain.objects import SYSTEM, a_ticket, an_agent, at, snapshot
from tierdesk.domain.people import Tier
from tierdesk.domain.ticket_levels import de_escalate, escalate
from tierdesk.domain.tickets import Status
from tierdesk.errors import InvalidInputError, InvalidTransitionError


def test_escalating_moves_the_ticket_up_clears_the_assignee_and_audits_the_hand_off() -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L1, assignee_id=10)
    agent = an_agent(id=10)

    escalate(
        ticket, Tier.L3, " SIP trunk drops ", " Captured a trace; codec mismatch ", agent, at(2)
    )

    assert ticket.tier is Tier.L3
    assert ticket.assignee_id is None
    [event] = ticket.pending_events
    assert event.action == "ticket.escalated"
    assert event.reason == "SIP trunk drops"
    assert event.changes == {
        "tier": [1, 3],
        "assignee_id": [10, None],
        "handoff_note": "Captured a trace; codec mismatch",
    }
    assert event.public is False, "customers do not read hand-off notes"


def test_the_escalating_agent_follows_the_ticket_once() -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L1, followers=[10])

    escalate(ticket, Tier.L2, "why", "note", an_agent(id=10), at(2))

    assert ticket.followers == [10]


def test_the_desk_escalating_on_its_own_adds_no_follower() -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L1)

    escalate(ticket, Tier.L2, "SLA breached", "no answer in 4 hours", SYSTEM, at(2))

    assert ticket.followers == []


def test_de_escalating_moves_the_ticket_down_with_guidance() -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L3, assignee_id=30)

    de_escalate(ticket, Tier.L1, "known issue", "send KB-12 and close", an_agent(id=30), at(2))

    assert ticket.tier is Tier.L1
    assert ticket.assignee_id is None
    assert ticket.pending_events[-1].action == "ticket.de_escalated"
    assert ticket.pending_events[-1].changes["handoff_note"] == "send KB-12 and close"
    assert ticket.followers == [30]


@pytest.mark.parametrize("to", [Tier.L0, Tier.L1, Tier.L2])
def test_escalating_to_the_same_or_a_lower_tier_is_refused(to: Tier) -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L2)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        escalate(ticket, to, "why", "note", an_agent(), at(2))

    assert snapshot(ticket) == before


@pytest.mark.parametrize("to", [Tier.L2, Tier.L3, Tier.L4])
def test_de_escalating_to_the_same_or_a_higher_tier_is_refused(to: Tier) -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L2)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        de_escalate(ticket, to, "why", "note", an_agent(), at(2))

    assert snapshot(ticket) == before


@pytest.mark.parametrize(
    ("reason", "note"), [("", "note"), ("why", ""), ("  ", "note"), ("why", "\n")]
)
@pytest.mark.parametrize("upwards", [True, False])
def test_a_level_change_needs_both_a_reason_and_a_hand_off_note(
    reason: str, note: str, upwards: bool
) -> None:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L2, assignee_id=10)
    before = snapshot(ticket)

    change = escalate if upwards else de_escalate
    with pytest.raises(InvalidInputError):
        change(ticket, Tier.L3 if upwards else Tier.L1, reason, note, an_agent(), at(2))

    assert snapshot(ticket) == before


def test_a_solved_ticket_must_be_reopened_before_it_is_escalated() -> None:
    ticket = a_ticket(status=Status.SOLVED, tier=Tier.L1)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransitionError):
        escalate(ticket, Tier.L2, "why", "note", an_agent(), at(2))

    assert snapshot(ticket) == before


@pytest.mark.parametrize("status", [Status.NEW, Status.ON_HOLD, Status.PENDING_INTERNAL], ids=str)
def test_escalating_a_waiting_ticket_opens_it_for_the_next_level(status: Status) -> None:
    ticket = a_ticket(status=status, tier=Tier.L1)

    escalate(ticket, Tier.L2, "why", "note", an_agent(), at(2))

    assert ticket.status is Status.OPEN
    assert [e.action for e in ticket.pending_events] == [
        "ticket.escalated",
        "ticket.status_changed",
    ]


@pytest.mark.parametrize("status", [Status.OPEN, Status.PENDING_CUSTOMER], ids=str)
def test_escalating_keeps_an_open_or_customer_waiting_status(status: Status) -> None:
    ticket = a_ticket(status=status, tier=Tier.L1)

    escalate(ticket, Tier.L2, "why", "note", an_agent(), at(2))

    assert ticket.status is status
    assert [e.action for e in ticket.pending_events] == ["ticket.escalated"]
