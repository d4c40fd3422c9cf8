"""A clock as a value: pausing, resuming, meeting and retargeting, with no database; plus the
pure schedule helpers of background jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierdesk.domain.calendars import BusinessCalendar, business_time_between, parse_weekly_hours
from tierdesk.domain.jobs import periodic_slot, retry_delay
from tierdesk.domain.people import Tier
from tierdesk.domain.sla import BreachAction, ClockKind, Deadline, raised_priority, start_deadline
from tierdesk.domain.tickets import Priority
from tierdesk.errors import InvalidInputError

OFFICE = BusinessCalendar("office", "UTC", parse_weekly_hours("mon-fri 09:00-18:00"), id=1)
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def a_clock(target: int = 480, warn: int = 60, at: datetime = MONDAY) -> Deadline:
    return start_deadline(
        ClockKind.RESOLUTION,
        ticket_id=1,
        calendar=OFFICE,
        target_minutes=target,
        warn_before_minutes=warn,
        breach_action=BreachAction.NOTIFY,
        at=at,
    )


def test_a_new_clock_is_due_after_its_target_and_warns_before_it() -> None:
    clock = a_clock()

    assert clock.due_at == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert clock.warn_at == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    assert clock.state == "running" and not clock.is_breached(clock.due_at - timedelta(seconds=1))
    assert clock.is_breached(clock.due_at)


def test_a_paused_clock_has_no_due_time_and_resuming_moves_it_by_the_business_time_paused() -> None:
    clock = a_clock()
    clock.pause(MONDAY + timedelta(hours=1))
    assert (
        clock.paused and clock.due_at is None and not clock.is_breached(MONDAY + timedelta(days=30))
    )

    clock.resume(OFFICE, datetime(2026, 3, 3, 10, 0, tzinfo=UTC))  # Mon 10-18, Tue 9-10

    assert clock.paused_seconds == 9 * 3600
    assert clock.due_at == datetime(2026, 3, 3, 17, 0, tzinfo=UTC)  # 17:00 + 9 business hours


def test_meeting_a_paused_clock_ends_the_pause_and_pausing_an_ended_clock_does_nothing() -> None:
    clock = a_clock()
    clock.pause(MONDAY + timedelta(hours=1))
    clock.meet(OFFICE, MONDAY + timedelta(hours=3))
    clock.pause(MONDAY + timedelta(hours=4))

    assert clock.state == "met" and not clock.paused
    assert clock.paused_seconds == 2 * 3600
    assert not clock.is_breached(MONDAY + timedelta(days=9))


def test_waiting_on_the_customer_stops_their_clocks_and_the_level_handoff_but_not_the_pickup() -> (
    None
):
    waiting = {kind for kind in ClockKind if kind.pauses_while_pending_customer}

    assert waiting == {
        ClockKind.FIRST_RESPONSE,
        ClockKind.NEXT_RESPONSE,
        ClockKind.RESOLUTION,
        ClockKind.LEVEL_HANDOFF,
    }


@pytest.mark.parametrize(
    ("kind", "starts_paused"),
    [(ClockKind.LEVEL_HANDOFF, True), (ClockKind.LEVEL_PICKUP, False)],
)
def test_a_level_clock_started_on_a_ticket_pending_the_customer_starts_paused_if_it_waits(
    kind: ClockKind, starts_paused: bool
) -> None:
    clock = start_deadline(
        kind,
        ticket_id=1,
        calendar=OFFICE,
        target_minutes=120,
        warn_before_minutes=30,
        breach_action=BreachAction.NOTIFY,
        at=MONDAY,
        tier=Tier.L2,
        pending_customer=True,
    )

    assert clock.paused is starts_paused
    assert (clock.due_at is None) is starts_paused
    clock.resume(OFFICE, MONDAY + timedelta(hours=2))
    expected = MONDAY + timedelta(hours=4 if starts_paused else 2)
    assert clock.due_at == expected


def test_a_clock_met_after_its_due_time_counts_as_breached() -> None:
    clock = a_clock(target=60)
    clock.meet(OFFICE, MONDAY + timedelta(hours=2))

    assert clock.is_breached(MONDAY + timedelta(hours=3))


def test_new_targets_move_the_due_time_but_keep_what_has_fired() -> None:
    clock = a_clock()
    clock.warned_at = MONDAY + timedelta(hours=7)

    clock.retarget(OFFICE, 30, 10, BreachAction.ESCALATE, policy_id=4)

    assert clock.due_at == MONDAY + timedelta(minutes=30)
    assert clock.warned_at == MONDAY + timedelta(hours=7)
    assert (clock.breach_action, clock.policy_id) == (BreachAction.ESCALATE, 4)


def test_level_clocks_need_a_level_and_targets_must_be_sensible() -> None:
    with pytest.raises(InvalidInputError, match="level"):
        start_deadline(
            ClockKind.LEVEL_PICKUP,
            ticket_id=1,
            calendar=OFFICE,
            target_minutes=30,
            warn_before_minutes=0,
            breach_action=BreachAction.NOTIFY,
            at=MONDAY,
        )
    with pytest.raises(InvalidInputError):
        a_clock(target=0)
    pickup = start_deadline(
        ClockKind.LEVEL_PICKUP,
        ticket_id=1,
        calendar=OFFICE,
        target_minutes=30,
        warn_before_minutes=0,
        breach_action=BreachAction.NOTIFY,
        at=MONDAY,
        tier=Tier.L2,
    )
    assert pickup.tier is Tier.L2 and pickup.warn_at == pickup.due_at


pause_plans = st.lists(
    st.tuples(st.integers(0, 7 * 24 * 60), st.integers(1, 3 * 24 * 60)), max_size=5
)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10 * 540), pause_plans)
def test_however_it_is_paused_a_clock_is_due_when_its_unpaused_business_time_reaches_target(
    target: int, plan: list[tuple[int, int]]
) -> None:
    clock = a_clock(target=target, warn=0)
    moment, pauses = MONDAY, []
    for gap, length in plan:
        start = moment + timedelta(minutes=gap)
        end = start + timedelta(minutes=length)
        assert clock.due_at is not None
        if start >= clock.due_at:  # late already: a pause now cannot make it on time
            break
        clock.pause(start)
        clock.resume(OFFICE, end)
        pauses.append((start, end))
        moment = end

    assert clock.due_at is not None
    used = business_time_between(OFFICE, MONDAY, clock.due_at, pauses)
    assert used == timedelta(minutes=target)


def test_priorities_go_up_one_step_and_stop_at_p1() -> None:
    assert [raised_priority(p) for p in Priority] == [None, Priority.P1, Priority.P2, Priority.P3]


def test_retry_delays_double_up_to_a_ceiling() -> None:
    base, ceiling = timedelta(seconds=30), timedelta(minutes=5)

    delays = [retry_delay(n, base, ceiling).total_seconds() for n in range(1, 8)]

    assert delays == [30, 60, 120, 240, 300, 300, 300]


def test_every_worker_names_the_same_periodic_slot() -> None:
    minute = timedelta(minutes=1)
    berlin_time = datetime.fromisoformat("2026-03-02T10:00:59+01:00")

    assert periodic_slot(berlin_time, minute) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert periodic_slot(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), timedelta(hours=1)) == datetime(
        2026, 3, 2, 9, 0, tzinfo=UTC
    )
