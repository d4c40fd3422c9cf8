"""The clocks follow the ticket's life, on both engines: what starts, meets, pauses and moves
them. The desk's clock starts on Monday 2026-03-02 09:00 UTC; the standard plan's P3 policy
runs on the seeded business-hours calendar (Mon-Fri 09:00-18:00 UTC)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from tests.factories import full_packet, make_agent
from tests.sla.support import (
    FIRST,
    NEXT,
    RESOLUTION,
    a_customer,
    a_lead,
    clocks,
    open_ticket,
    running,
    utc,
    views,
)
from tierdesk.adapters.clock import FixedClock
from tierdesk.domain.calendars import parse_weekly_hours
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Tier
from tierdesk.domain.tickets import Priority, Status
from tierdesk.services import deadlines, escalation, queues, sla, tickets
from tierdesk.services.conversation import add_message
from tierdesk.services.desk import Desk


def test_opening_a_ticket_starts_first_response_resolution_and_the_intake_clocks(
    desk: Desk,
) -> None:
    ticket = open_ticket(desk)

    found = clocks(desk, ticket)

    assert set(found) == {FIRST, RESOLUTION, "L0 level-pickup", "L0 level-handoff"}
    assert found[FIRST].due_at == utc(2026, 3, 2, 17, 0)  # 480 business minutes
    assert found[RESOLUTION].due_at == utc(2026, 3, 6, 18, 0)  # 2700: five business days
    assert found["L0 level-pickup"].due_at == utc(2026, 3, 2, 9, 30)
    assert found["L0 level-handoff"].due_at == utc(2026, 3, 2, 11, 0)
    assert found[FIRST].warn_at == utc(2026, 3, 2, 16, 0)  # warned 60 minutes before
    assert all(d.started_at == utc(2026, 3, 2, 9, 0) for d in found.values())


def test_a_ticket_opened_friday_1755_in_berlin_hours_is_due_monday_0955_local(
    desk: Desk, clock: FixedClock
) -> None:
    lead = a_lead(desk)
    berlin = sla.create_calendar(
        desk,
        lead,
        sla.CalendarFields(
            name="berlin-office",
            timezone="Europe/Berlin",
            hours=parse_weekly_hours("mon-fri 09:00-18:00"),
        ),
    )
    standard_p2 = next(
        v
        for v in sla.list_policies(desk, lead)
        if v.plan_key == "standard" and v.policy.priority == "P2"
    )
    sla.update_policy(
        desk,
        lead,
        standard_p2.policy.id or 0,
        sla.PolicyFields(calendar=berlin.name, first_response_minutes=60),
    )
    clock.at = utc(2026, 3, 6, 16, 55)  # Friday 17:55 in Berlin (CET)

    ticket = open_ticket(desk, priority=Priority.P2)

    due = clocks(desk, ticket)[FIRST].due_at
    assert due is not None
    assert due.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None).isoformat() == (
        "2026-03-09T09:55:00"
    )


def test_a_public_reply_meets_the_first_response_and_a_customer_message_starts_the_next(
    desk: Desk, clock: FixedClock
) -> None:
    customer = a_customer(desk)
    ticket = open_ticket(desk, contact=customer)
    agent = make_agent(desk, tiers=[0, 1])

    clock.advance(timedelta(minutes=20))
    add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Which firmware?")
    clock.advance(timedelta(minutes=40))
    add_message(desk, agent, ticket.id or 0, MessageKind.INTERNAL_NOTE, text="Probably NAT")
    assert NEXT not in clocks(desk, ticket)
    add_message(desk, customer, ticket.id or 0, MessageKind.CUSTOMER, text="Firmware 6.1")

    found = clocks(desk, ticket)
    assert found[FIRST].met_at == utc(2026, 3, 2, 9, 20)
    assert found[NEXT].started_at == utc(2026, 3, 2, 10, 0)
    assert found[NEXT].due_at == utc(2026, 3, 3, 10, 0)  # 540 minutes: one business day
    clock.advance(timedelta(minutes=5))
    add_message(desk, agent, ticket.id or 0, MessageKind.PUBLIC_REPLY, text="Thanks, testing")
    assert clocks(desk, ticket)[NEXT].met_at == utc(2026, 3, 2, 10, 5)


def test_a_second_customer_message_before_any_reply_starts_no_next_response_clock(
    desk: Desk,
) -> None:
    customer = a_customer(desk)
    ticket = open_ticket(desk, contact=customer)

    add_message(desk, customer, ticket.id or 0, MessageKind.CUSTOMER, text="Any news?")

    assert NEXT not in clocks(desk, ticket)


def test_waiting_on_the_customer_pauses_their_clocks_and_the_level_handoff_and_moves_due_times(
    desk: Desk, clock: FixedClock
) -> None:
    ticket = open_ticket(desk)
    agent = make_agent(desk, tiers=[0, 1])
    clock.advance(timedelta(hours=1))
    tickets.change_status(desk, agent, ticket.id or 0, Status.PENDING_CUSTOMER, "need a trace")

    paused = clocks(desk, ticket)
    assert paused[RESOLUTION].paused and paused[RESOLUTION].due_at is None
    assert paused["L0 level-handoff"].paused  # the level cannot hand on what waits on them
    assert not paused["L0 level-pickup"].paused  # but the ticket still needs an owner
    assert {v.deadline.kind for v in views(desk, ticket) if v.deadline.paused} == {
        "first-response",
        "resolution",
        "level-handoff",
    }

    clock.advance(timedelta(hours=3))
    tickets.change_status(desk, agent, ticket.id or 0, Status.OPEN, "trace arrived")

    resumed = clocks(desk, ticket)
    assert not resumed[RESOLUTION].paused
    assert resumed[RESOLUTION].paused_seconds == 3 * 3600
    assert resumed[FIRST].due_at == utc(2026, 3, 3, 11, 0)  # 17:00 + 3 business hours
    assert resumed[RESOLUTION].due_at == utc(2026, 3, 9, 12, 0)
    assert resumed["L0 level-handoff"].paused_seconds == 3 * 3600
    assert resumed["L0 level-handoff"].due_at == utc(2026, 3, 2, 14, 0)  # 11:00 + 3 hours


def test_a_level_reached_while_waiting_on_the_customer_starts_its_handoff_paused(
    desk: Desk, clock: FixedClock
) -> None:
    customer = a_customer(desk)
    ticket = open_ticket(desk, contact=customer)
    l1 = make_agent(desk, tiers=[0, 1])
    tickets.assign_ticket(desk, l1, ticket.id or 0, l1.id)
    tickets.change_status(desk, l1, ticket.id or 0, Status.PENDING_CUSTOMER, "need a trace")
    clock.advance(timedelta(minutes=20))
    escalation.escalate_ticket(desk, l1, ticket.id or 0, Tier.L2, "needs a capture", full_packet())

    waiting = clocks(desk, ticket)
    assert waiting["L0 level-handoff"].met_at == utc(2026, 3, 2, 9, 20)
    assert waiting["L0 level-handoff"].paused_seconds == 20 * 60  # it waited all along
    assert waiting["L2 level-handoff"].paused and waiting["L2 level-handoff"].due_at is None
    assert not waiting["L2 level-pickup"].paused

    clock.advance(timedelta(hours=1))
    add_message(desk, customer, ticket.id or 0, MessageKind.CUSTOMER, text="Here is the trace")

    answered = clocks(desk, ticket)
    assert not answered["L2 level-handoff"].paused
    assert answered["L2 level-handoff"].paused_seconds == 3600
    assert answered["L2 level-handoff"].started_at == utc(2026, 3, 2, 9, 20)


def test_a_pause_over_the_weekend_costs_only_the_business_hours_in_it(
    desk: Desk, clock: FixedClock
) -> None:
    ticket = open_ticket(desk)
    agent = make_agent(desk, tiers=[0, 1])
    clock.at = utc(2026, 3, 6, 17, 0)  # Friday
    tickets.change_status(desk, agent, ticket.id or 0, Status.PENDING_CUSTOMER, "waiting")
    clock.at = utc(2026, 3, 9, 10, 0)  # Monday
    tickets.change_status(desk, agent, ticket.id or 0, Status.OPEN, "customer back")

    assert clocks(desk, ticket)[RESOLUTION].paused_seconds == 2 * 3600  # Fri 17-18, Mon 9-10


def test_solving_meets_resolution_and_the_level_and_reopening_starts_them_again(
    desk: Desk, clock: FixedClock
) -> None:
    ticket = open_ticket(desk)
    agent = make_agent(desk, tiers=[0, 1])
    clock.advance(timedelta(hours=2))
    tickets.solve_ticket(desk, agent, ticket.id or 0, "Disable SIP ALG on the router.")

    solved = clocks(desk, ticket)
    assert solved[RESOLUTION].met_at == utc(2026, 3, 2, 11, 0)
    assert solved["L0 level-handoff"].state == "met"
    assert solved[FIRST].state == "stopped"  # nothing is owed on a solved ticket
    assert running(desk, ticket) == set()

    clock.advance(timedelta(hours=1))
    tickets.reopen_ticket(desk, agent, ticket.id or 0, "It came back")

    again = clocks(desk, ticket)
    assert again[RESOLUTION].started_at == utc(2026, 3, 2, 12, 0)
    assert again[RESOLUTION].running
    assert running(desk, ticket) == {RESOLUTION, "L0 level-handoff", "L0 level-pickup"}
    assert sum(1 for v in views(desk, ticket) if v.deadline.kind == "resolution") == 2


def test_a_priority_change_gives_the_running_customer_clocks_the_new_targets(
    desk: Desk, clock: FixedClock
) -> None:
    ticket = open_ticket(desk)
    agent = make_agent(desk, tiers=[0, 1])
    clock.advance(timedelta(minutes=10))

    tickets.change_priority(desk, agent, ticket.id or 0, Priority.P1, "whole site down")

    found = clocks(desk, ticket)
    assert found[FIRST].target_minutes == 30  # standard P1
    assert found[FIRST].due_at == utc(2026, 3, 2, 9, 30)  # from the start, not from now
    assert found[RESOLUTION].target_minutes == 540
    assert found[FIRST].breach_action == "escalate"


def test_escalating_hands_the_level_clocks_on_and_accepting_meets_the_new_pickup(
    desk: Desk, clock: FixedClock
) -> None:
    ticket = open_ticket(desk)
    l1, l2 = make_agent(desk, tiers=[0, 1]), make_agent(desk, tiers=[2])
    tickets.assign_ticket(desk, l1, ticket.id or 0, l1.id)
    clock.advance(timedelta(minutes=10))
    escalation.escalate_ticket(desk, l1, ticket.id or 0, Tier.L2, "needs a capture", full_packet())

    found = clocks(desk, ticket)
    assert found["L0 level-pickup"].met_at == utc(2026, 3, 2, 9, 0)
    assert found["L0 level-handoff"].met_at == utc(2026, 3, 2, 9, 10)
    assert found["L2 level-pickup"].due_at == utc(2026, 3, 2, 11, 10)  # 120 minutes
    assert found["L2 level-handoff"].running

    clock.advance(timedelta(minutes=30))
    escalation.accept_escalation(desk, l2, ticket.id or 0)

    assert clocks(desk, ticket)["L2 level-pickup"].met_at == utc(2026, 3, 2, 9, 40)
    assert "L2 level-pickup" not in running(desk, ticket)


def test_closing_or_merging_stops_every_clock(desk: Desk) -> None:
    agent, customer = make_agent(desk, tiers=[0, 1]), a_customer(desk)
    spam, duplicate, original = (open_ticket(desk, contact=customer) for _ in range(3))

    tickets.close_ticket(desk, agent, spam.id or 0, "spam")
    tickets.merge_tickets(desk, agent, duplicate.id or 0, original.id or 0, "same outage")

    assert running(desk, spam) == set()
    assert running(desk, duplicate) == set()
    assert {d.state for d in clocks(desk, duplicate).values()} == {"stopped"}
    assert running(desk, original) == {FIRST, RESOLUTION, "L0 level-pickup", "L0 level-handoff"}


def test_customers_see_only_the_clocks_promised_to_them(desk: Desk) -> None:
    customer = a_customer(desk)
    ticket = open_ticket(desk, contact=customer)

    seen = {v.deadline.kind for v in deadlines.ticket_deadlines(desk, customer, ticket.id or 0)}

    assert seen == {"first-response", "resolution"}


def test_a_new_holiday_moves_the_running_clocks_on_its_calendar(desk: Desk) -> None:
    ticket = open_ticket(desk)
    lead = a_lead(desk)

    sla.update_calendar(
        desk, lead, "business-hours", sla.CalendarFields(holidays=[date(2026, 3, 4)])
    )

    assert clocks(desk, ticket)[RESOLUTION].due_at == utc(2026, 3, 9, 18, 0)  # a day later


def test_routing_out_of_intake_hands_the_level_clocks_on_and_an_assignee_needs_no_pickup(
    desk: Desk,
) -> None:
    lead = a_lead(desk)
    queues.create_queue(desk, lead, queues.NewQueue(key="l1-all", name="L1", tier=Tier.L1))
    queues.create_routing_rule(desk, lead, queues.NewRoutingRule(name="all", queue="l1-all"))
    engineer = make_agent(desk, tiers=[1], queues=["l1-all"])

    ticket = open_ticket(desk)

    assert tickets.get_ticket(desk, lead, ticket.id or 0).assignee_id == engineer.id
    found = clocks(desk, ticket, lead)
    assert found["L0 level-handoff"].state == "met"
    assert found["L0 level-pickup"].state == "stopped"
    assert running(desk, ticket) == {FIRST, RESOLUTION, "L1 level-handoff"}


def test_taking_a_ticket_meets_the_pickup_and_giving_it_back_starts_a_new_one(
    desk: Desk, clock: FixedClock
) -> None:
    ticket = open_ticket(desk)
    agent = make_agent(desk, tiers=[0, 1])
    clock.advance(timedelta(minutes=12))
    tickets.assign_ticket(desk, agent, ticket.id or 0, agent.id)
    clock.advance(timedelta(minutes=30))
    tickets.assign_ticket(desk, agent, ticket.id or 0, None)

    pickups = [v.deadline for v in views(desk, ticket) if v.deadline.kind == "level-pickup"]
    assert [(p.state, p.started_at) for p in pickups] == [
        ("met", utc(2026, 3, 2, 9, 0)),
        ("running", utc(2026, 3, 2, 9, 42)),
    ]
    assert pickups[0].met_at == utc(2026, 3, 2, 9, 12)
