"""The escalation's moves as plain values: the packet's own transitions (accept, bounce,
supersede, amend) and the ticket's level moves that drive them, with no database."""

from __future__ import annotations

import pytest

from tests.domain.objects import SYSTEM, a_ticket, an_agent, at
from tierdesk.domain.handoff import HandoffPacket, PacketContent, PacketStatus, TriedStep
from tierdesk.domain.people import Tier
from tierdesk.domain.ticket_levels import (
    accept_escalation,
    amend_packet,
    bounce_escalation,
    escalate_with_packet,
    open_packet,
)
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import InvalidTransitionError

CONTENT = PacketContent(symptoms="drops", steps_tried=[TriedStep("rebooted", "no change")])


def _escalated(to: Tier = Tier.L2) -> tuple[Ticket, HandoffPacket]:
    ticket = a_ticket(status=Status.OPEN, tier=Tier.L1, assignee_id=10)
    packet = escalate_with_packet(ticket, to, " why ", CONTENT, 1, [], an_agent(id=10), at(1))
    return ticket, packet


def test_escalating_with_a_packet_opens_it_awaiting_and_the_ticket_waits_in_the_same_terms() -> (
    None
):
    ticket, packet = _escalated()

    assert (packet.sequence, packet.revision, packet.from_tier, packet.to_tier) == (
        1,
        1,
        Tier.L1,
        Tier.L2,
    )
    assert (packet.reason, packet.content, packet.author_name) == ("why", CONTENT, "Ada Agent")
    assert packet.status is PacketStatus.AWAITING
    assert ticket.escalation_state is PacketStatus.AWAITING
    [event] = ticket.pending_events
    assert event.changes["packet"] == 1
    assert event.changes["handoff_note"] == CONTENT.summary()


def test_accepting_makes_the_member_the_assignee_and_the_packet_accepted() -> None:
    ticket, packet = _escalated()
    taker = an_agent(id=20, tiers=[2])

    accept_escalation(ticket, packet, taker, taker, at(2))

    assert (packet.status, packet.decided_by, packet.decided_at) == (
        PacketStatus.ACCEPTED,
        "Ada Agent",
        at(2),
    )
    assert ticket.escalation_state is PacketStatus.ACCEPTED
    assert ticket.assignee_id == 20
    assert ticket.pending_events[-1].action == "escalation.accepted"
    with pytest.raises(InvalidTransitionError):
        accept_escalation(ticket, packet, taker, taker, at(3))


def test_bouncing_returns_the_ticket_to_whoever_escalated_it_and_closes_the_packet() -> None:
    ticket, packet = _escalated()
    escalated_by = an_agent(id=10, tiers=[1])

    bounce_escalation(
        ticket,
        packet,
        " Disable SIP ALG first. ",
        "documented",
        escalated_by,
        an_agent(id=20, tiers=[2], name="Bo Bouncer"),
        at(2),
    )

    assert (packet.status, packet.decided_by, packet.guidance) == (
        PacketStatus.BOUNCED,
        "Bo Bouncer",
        "Disable SIP ALG first.",
    )
    assert ticket.tier is Tier.L1
    assert ticket.escalation_state is None
    assert ticket.assignee_id == 10
    assert [e.action for e in ticket.pending_events][-2:] == [
        "ticket.de_escalated",
        "escalation.bounced",
    ]


def test_a_bounced_or_superseded_packet_is_decided_no_further() -> None:
    _, bounced = _escalated()
    bounced.bounce(SYSTEM, at(2), "try X")
    _, replaced = _escalated()
    replaced.supersede()

    for packet in (bounced, replaced):
        with pytest.raises(InvalidTransitionError):
            packet.accept(SYSTEM, at(3))
        with pytest.raises(InvalidTransitionError):
            packet.bounce(SYSTEM, at(3), "again")


def test_superseding_leaves_a_decided_packet_as_it_was() -> None:
    _, packet = _escalated()
    packet.accept(SYSTEM, at(2))

    packet.supersede()

    assert packet.status is PacketStatus.ACCEPTED


def test_an_amendment_is_the_next_revision_and_supersedes_the_one_that_waited() -> None:
    ticket, first = _escalated()
    better = PacketContent(symptoms="drops after 30 s", steps_tried=CONTENT.steps_tried)

    amended = amend_packet(ticket, [first], better, an_agent(id=11), at(2))

    assert (amended.sequence, amended.revision, amended.content) == (1, 2, better)
    assert (amended.from_tier, amended.to_tier, amended.reason) == (Tier.L1, Tier.L2, "why")
    assert (first.status, amended.status) == (PacketStatus.SUPERSEDED, PacketStatus.AWAITING)
    assert ticket.pending_events[-1].changes == {
        "packet": 1,
        "revision": 2,
        "handoff_note": better.summary(),
    }


def test_an_amendment_of_a_decided_packet_keeps_the_decision() -> None:
    ticket, first = _escalated()
    first.accept(SYSTEM, at(2))

    amended = amend_packet(ticket, [first], CONTENT, an_agent(), at(3))

    assert (first.status, amended.status, amended.decided_at) == (
        PacketStatus.ACCEPTED,
        PacketStatus.ACCEPTED,
        at(2),
    )


def test_a_later_escalation_supersedes_every_packet_still_waiting() -> None:
    ticket, first = _escalated()
    ticket.tier = Tier.L1  # moved back down some other way (a lead's de-escalation)

    second = escalate_with_packet(
        ticket,
        Tier.L2,
        "again",
        CONTENT,
        2,
        [first],
        SYSTEM,
        at(3),
    )

    assert (first.status, second.status) == (PacketStatus.SUPERSEDED, PacketStatus.AWAITING)


def test_only_the_packet_that_brought_the_ticket_to_its_level_is_open() -> None:
    ticket, packet = _escalated()
    assert open_packet(ticket, packet) is packet
    with pytest.raises(InvalidTransitionError):
        open_packet(ticket, None)
    ticket.tier = Tier.L3
    with pytest.raises(InvalidTransitionError):
        open_packet(ticket, packet)
