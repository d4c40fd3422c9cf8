"""Follow-the-sun hand-overs (issue 21 item 6), on both engines: what a shift end hands over,
once; who may accept; what stays hidden."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import full_packet, make_agent, make_contact, make_ticket
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.handovers import HandoverStatus
from tierdesk.domain.people import Agent, Role, Tier
from tierdesk.errors import PermissionDeniedError
from tierdesk.ports.regions import HandoverFilter
from tierdesk.services import escalation, handovers, regions, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

# The fixture clock stands at Monday 2 March 2026, 09:00 UTC; London is on UTC until the 29th.
LONDON_SHIFT_END = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


@dataclass
class Sun:
    emea: Agent
    emea_colleague: Agent
    americas: Agent
    lead: Agent


def _world(desk: Desk) -> Sun:
    emea, colleague, americas = (make_agent(desk, tiers=[0, 1, 2]) for _ in range(3))
    lead = make_agent(desk, tiers=[1], role=Role.LEAD)
    assert emea.id and colleague.id and americas.id
    regions.create_region(
        desk,
        SYSTEM,
        regions.RegionFields(
            "Americas", "America/New_York", "mon-fri 09:00-17:00", None, [americas.id]
        ),
    )
    regions.create_region(
        desk,
        SYSTEM,
        regions.RegionFields(
            "EMEA", "Europe/London", "mon-fri 09:00-17:00", "Americas", [emea.id, colleague.id]
        ),
    )
    return Sun(emea, colleague, americas, lead)


def _assigned(desk: Desk, agent: Agent, subject: str) -> int:
    ticket = make_ticket(desk, subject=subject, body="The SIP trunk drops calls after 30 s.")
    assert ticket.id is not None
    tickets.assign_ticket(desk, SYSTEM, ticket.id, agent.id)
    return ticket.id


def _handed(desk: Desk) -> list[handovers.HandoverView]:
    return handovers.list_handovers(desk, SYSTEM, HandoverFilter(), 100)


def test_a_shift_end_hands_over_each_open_ticket_of_the_regions_engineers_and_nothing_else(
    database_url: str, desk: Desk, clock: FixedClock
) -> None:
    sun = _world(desk)
    mine = {_assigned(desk, sun.emea, "Trunk down"), _assigned(desk, sun.emea_colleague, "Echo")}
    solved = _assigned(desk, sun.emea, "Solved already")
    tickets.solve_ticket(desk, SYSTEM, solved, "Fixed the codec list.")
    _assigned(desk, sun.americas, "Americas' own")
    _assigned(desk, make_agent(desk, tiers=[0, 1]), "Nobody's region")

    assert handovers.run_shift_ends(desk) == []  # the shift has not ended yet
    clock.at = LONDON_SHIFT_END + timedelta(minutes=1)
    handovers.run_shift_ends(desk)

    found = _handed(desk)
    assert {v.ticket.id for v in found} == mine
    assert {(v.from_region, v.to_region) for v in found} == {("EMEA", "Americas")}
    assert all(v.handover.status is HandoverStatus.AWAITING for v in found)
    assert all(v.handover.shift_end == LONDON_SHIFT_END for v in found)
    note = found[0].handover.note
    for part in ("State: ", "Next step: ", "Waiting on: ", "SLA clocks: ", "Symptoms: "):
        assert part in note


def test_a_shift_end_hands_each_ticket_over_once_whoever_gets_there(
    database_url: str, desk: Desk, clock: FixedClock
) -> None:
    sun = _world(desk)
    first = _assigned(desk, sun.emea, "Trunk down")
    clock.at = LONDON_SHIFT_END - timedelta(minutes=10)
    drafted = handovers.prepare_handover(desk, sun.emea)
    assert (drafted.drafted, drafted.handed_over) == (1, 0)
    assert handovers.handed_over_to_me(desk, sun.americas) == []  # a draft is not sent yet
    [draft] = handovers.ticket_handovers(desk, sun.emea, first)
    handovers.edit_handover_note(desk, sun.emea, draft.handover.id or 0, "Call Ana first.")

    _assigned(desk, sun.emea, "Echo")
    handovers.hand_over_now(desk, sun.emea)
    clock.at = LONDON_SHIFT_END + timedelta(minutes=1)
    handovers.run_shift_ends(desk)
    handovers.run_shift_ends(desk)
    handovers.hand_over_now(desk, sun.emea)

    found = _handed(desk)
    assert len(found) == 2
    assert [v.handover.note for v in found if v.ticket.id == first] == ["Call Ana first."]
    trail = [e.action for e in tickets.ticket_events(desk, SYSTEM, first)]
    assert trail.count("ticket.handed_over") == 1


def test_the_receiving_region_accepts_and_becomes_the_assignee_on_the_trail(
    database_url: str, desk: Desk, clock: FixedClock
) -> None:
    sun = _world(desk)
    ticket_id = _assigned(desk, sun.emea, "Trunk down")
    clock.at = LONDON_SHIFT_END
    handovers.run_shift_ends(desk)
    [waiting] = handovers.handed_over_to_me(desk, sun.americas)

    taken = handovers.accept_handover(desk, sun.americas, waiting.handover.id or 0)

    assert taken.handover.status is HandoverStatus.ACCEPTED
    assert tickets.get_ticket(desk, SYSTEM, ticket_id).assignee_id == sun.americas.id
    assert handovers.handed_over_to_me(desk, sun.americas) == []
    trail = [e.action for e in tickets.ticket_events(desk, SYSTEM, ticket_id)]
    assert trail[-2:] == ["ticket.handed_over", "ticket.handover_accepted"]


def test_only_the_region_taking_over_or_a_lead_accepts_a_hand_over(
    database_url: str, desk: Desk, clock: FixedClock
) -> None:
    sun = _world(desk)
    ticket_id = _assigned(desk, sun.emea, "Trunk down")
    clock.at = LONDON_SHIFT_END
    handovers.run_shift_ends(desk)
    [waiting] = _handed(desk)
    handover_id = waiting.handover.id or 0
    outsider = make_agent(desk, tiers=[0, 1, 2])

    for refused in (sun.emea_colleague, outsider):
        with pytest.raises(PermissionDeniedError):
            handovers.accept_handover(desk, refused, handover_id)
    with pytest.raises(PermissionDeniedError):  # an engineer takes it for themselves only
        handovers.accept_handover(desk, sun.americas, handover_id, outsider.id)

    handovers.accept_handover(desk, sun.lead, handover_id, outsider.id)
    assert tickets.get_ticket(desk, SYSTEM, ticket_id).assignee_id == outsider.id


def test_hand_overs_stay_with_the_agents_who_may_see_their_tickets(
    database_url: str, desk: Desk, clock: FixedClock
) -> None:
    sun = _world(desk)
    deep = _assigned(desk, sun.emea, "Deep one")
    escalation.escalate_ticket(desk, SYSTEM, deep, Tier.L2, "needs L2", full_packet())
    tickets.assign_ticket(desk, SYSTEM, deep, sun.emea.id)
    _assigned(desk, sun.emea, "Shallow one")
    clock.at = LONDON_SHIFT_END
    handovers.run_shift_ends(desk)
    level_one = make_agent(desk, tiers=[0, 1])
    assert level_one.id is not None
    regions.set_agent_region(desk, SYSTEM, level_one.id, sun_region(desk, "Americas"))

    seen = handovers.handed_over_to_me(desk, level_one)
    assert [v.ticket.subject for v in seen] == ["Shallow one"]
    with pytest.raises(PermissionDeniedError):
        handovers.list_handovers(desk, make_contact(desk), HandoverFilter(), 10)


def sun_region(desk: Desk, name: str) -> int:
    [region] = [v.region for v in regions.list_regions(desk, SYSTEM) if v.region.name == name]
    assert region.id is not None
    return region.id
