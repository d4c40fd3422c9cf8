"""Business-time arithmetic: properties over random calendars, instants and amounts, plus the
worked examples (the issue's Friday 17:55 ticket, DST days in Berlin and New York)."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tierdesk.domain.calendars import (
    BusinessCalendar,
    WeeklyHours,
    add_business_minutes,
    add_business_time,
    always_open,
    business_minutes_between,
    business_time_between,
    format_weekly_hours,
    hours_from_mapping,
    hours_to_mapping,
    is_business_time,
    local_instant,
    parse_weekly_hours,
    working_periods,
)
from tierdesk.errors import InvalidInputError

# Zones with every kind of trouble: DST both ways, half-hour offsets, a 30-minute DST shift
# (Lord Howe), southern-hemisphere DST, none at all.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Pacific/Chatham",
]
OFFICE = parse_weekly_hours("mon-fri 09:00-18:00")


def office(
    timezone: str = "Europe/Berlin", holidays: frozenset[date] = frozenset()
) -> BusinessCalendar:
    return BusinessCalendar("office", timezone, OFFICE, holidays=holidays, id=1)


def local(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


@st.composite
def weekly_hours(draw: st.DrawFn) -> WeeklyHours:
    """Up to three periods a day on quarter-hour boundaries, often between 01:00 and 04:00
    where clocks change; at least one working day."""
    quarter = st.one_of(st.integers(0, 96), st.integers(4, 16))
    days = []
    for _ in range(7):
        cuts = sorted(draw(st.sets(quarter, max_size=6)))
        pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
        days.append([(start * 15, end * 15) for start, end in pairs if start < end])
    assume(any(days))
    return tuple(tuple(d) for d in days)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    zone = draw(st.sampled_from(ZONES))
    holidays = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=20))
    return BusinessCalendar("random", zone, draw(weekly_hours()), holidays=holidays, id=1)


@functools.cache
def clock_changes(zones: tuple[str, ...]) -> list[datetime]:
    """Every UTC-offset change of these zones in 2026-2027, found hour by hour."""
    changes = []
    for name in zones:
        zone, moment = ZoneInfo(name), datetime(2026, 1, 1, tzinfo=UTC)
        while moment.year < 2028:
            following = moment + timedelta(hours=1)
            if moment.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
                changes.append(following)
            moment = following
    return changes


CLOCK_CHANGES = clock_changes(tuple(ZONES))

# Instants in 2026-2027 at one-second resolution; half of them within three days of a clock
# change in one of the zones, where the arithmetic is hardest.
instants = st.one_of(
    st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.builds(
        lambda change, offset: change + timedelta(seconds=offset),
        st.sampled_from(CLOCK_CHANGES),
        st.integers(-3 * 24 * 3600, 3 * 24 * 3600),
    ),
).map(lambda t: t.replace(microsecond=0))
amounts = st.integers(0, 20 * 24 * 60).map(lambda m: timedelta(minutes=m))


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, amounts)
def test_adding_business_time_and_measuring_it_again_gives_the_same_amount(
    calendar: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    due = add_business_time(calendar, start, amount)

    assert due >= start
    assert business_time_between(calendar, start, due) == amount


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, amounts, amounts)
def test_more_business_time_never_ends_earlier(
    calendar: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    small, large = sorted((first, second))

    assert add_business_time(calendar, start, small) <= add_business_time(calendar, start, large)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, st.integers(0, 10 * 24 * 3600), amounts)
def test_a_later_start_never_ends_earlier(
    calendar: BusinessCalendar, start: datetime, later_by: int, amount: timedelta
) -> None:
    later = start + timedelta(seconds=later_by)

    assert add_business_time(calendar, start, amount) <= add_business_time(calendar, later, amount)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, st.integers(0, 30 * 24 * 3600), st.integers(0, 30 * 24 * 3600))
def test_business_time_adds_up_over_consecutive_ranges(
    calendar: BusinessCalendar, start: datetime, first: int, second: int
) -> None:
    middle = start + timedelta(seconds=first)
    end = middle + timedelta(seconds=second)

    whole = business_time_between(calendar, start, end)

    assert whole == business_time_between(calendar, start, middle) + business_time_between(
        calendar, middle, end
    )
    assert timedelta(0) <= whole <= end - start
    assert business_time_between(calendar, end, start) == -whole


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, st.integers(1, 20 * 24 * 60))
def test_a_due_time_lies_in_working_time_and_never_on_a_holiday(
    calendar: BusinessCalendar, start: datetime, minutes: int
) -> None:
    due = add_business_minutes(calendar, start, minutes)
    just_before = due - timedelta(microseconds=1)

    assert is_business_time(calendar, just_before)
    assert just_before.astimezone(calendar.zone).date() not in calendar.holidays


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ZONES), instants, amounts, st.integers(0, 40 * 24 * 3600))
def test_a_calendar_open_round_the_clock_measures_wall_clock_time(
    zone: str, start: datetime, amount: timedelta, span: int
) -> None:
    calendar = always_open(timezone=zone)
    end = start + timedelta(seconds=span)

    assert add_business_time(calendar, start, amount) == start + amount
    assert business_time_between(calendar, start, end) == end - start


@settings(max_examples=100, deadline=None)
@given(
    calendars(),
    instants,
    st.integers(0, 20 * 24 * 3600),
    st.lists(st.tuples(st.integers(0, 20 * 24 * 3600), st.integers(0, 5 * 24 * 3600)), max_size=4),
)
def test_pauses_take_out_exactly_the_business_time_they_cover(
    calendar: BusinessCalendar,
    start: datetime,
    span: int,
    pause_specs: list[tuple[int, int]],
) -> None:
    end = start + timedelta(seconds=span)
    pauses = [
        (start + timedelta(seconds=offset), start + timedelta(seconds=offset + length))
        for offset, length in pause_specs
    ]
    # Independently: walk the range in one-minute-aligned pieces split at every pause edge.
    edges = sorted({start, end, *(max(start, min(end, t)) for p in pauses for t in p)})
    expected = timedelta(0)
    for low, high in itertools.pairwise(edges):
        if not any(p0 <= low and high <= p1 for p0, p1 in pauses):
            expected += business_time_between(calendar, low, high)

    assert business_time_between(calendar, start, end, pauses) == expected


@settings(max_examples=300, deadline=None)
@given(calendars(), st.data())
def test_the_working_periods_of_a_clock_change_day_are_ordered_and_never_overlap(
    calendar: BusinessCalendar, data: st.DataObject
) -> None:
    own_changes = clock_changes((calendar.timezone,))
    assume(own_changes)
    change = data.draw(st.sampled_from(own_changes))
    day = change.astimezone(calendar.zone).date() + timedelta(days=data.draw(st.integers(-1, 1)))
    start_of_day = local_instant(calendar.zone, day, 0)
    end_of_day = local_instant(calendar.zone, day + timedelta(days=1), 0)

    periods = working_periods(calendar, day)

    edges = [t for period in periods for t in period]
    assert all(a < b for a, b in periods)
    assert edges == sorted(edges)
    assert all(start_of_day <= t <= end_of_day for t in edges)


@settings(max_examples=60, deadline=None)
@given(weekly_hours())
def test_weekly_hours_survive_being_written_out_and_read_back(weekly: WeeklyHours) -> None:
    calendar = BusinessCalendar("c", "UTC", weekly)

    assert parse_weekly_hours(format_weekly_hours(calendar.weekly)) == calendar.weekly
    assert hours_from_mapping(hours_to_mapping(calendar.weekly)) == calendar.weekly


# -- worked examples ----------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "UTC", "Asia/Tokyo"])
def test_a_ticket_opened_friday_1755_with_a_one_hour_target_is_due_monday_0955_local(
    zone: str,
) -> None:
    friday = local(zone, 2026, 3, 6, 17, 55)  # a Friday

    due = add_business_minutes(office(zone), friday, 60)

    assert due == local(zone, 2026, 3, 9, 9, 55)


def test_the_friday_ticket_is_due_monday_0955_across_the_berlin_spring_forward_weekend() -> None:
    friday = local("Europe/Berlin", 2026, 3, 27, 17, 55)  # clocks jump on Sunday 29 March

    due = add_business_minutes(office(), friday, 60)

    assert due == datetime(2026, 3, 30, 7, 55, tzinfo=UTC)  # 09:55 CEST
    assert business_minutes_between(office(), friday, due) == 60


def test_a_holiday_monday_moves_the_due_time_to_tuesday() -> None:
    calendar = office(holidays=frozenset({date(2026, 4, 6)}))  # Easter Monday
    friday = local("Europe/Berlin", 2026, 4, 3, 17, 55)

    due = add_business_minutes(calendar, friday, 60)

    assert due == local("Europe/Berlin", 2026, 4, 7, 9, 55)


def test_ending_exactly_at_closing_time_is_due_at_closing_time_not_next_morning() -> None:
    start = local("Europe/Berlin", 2026, 3, 6, 17, 30)

    due = add_business_minutes(office(), start, 30)

    assert due.astimezone(ZoneInfo("Europe/Berlin")).hour == 18


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_a_whole_day_of_business_time_is_23_hours_in_spring_and_25_in_autumn(
    zone: str, spring: date, autumn: date
) -> None:
    calendar = always_open(timezone=zone)
    for day, hours in ((spring, 23), (autumn, 25), (spring - timedelta(days=1), 24)):
        start = local_instant(ZoneInfo(zone), day, 0)
        end = local_instant(ZoneInfo(zone), day + timedelta(days=1), 0)

        assert business_time_between(calendar, start, end) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_night_shift_hours_across_the_clock_change_count_real_time(
    zone: str, spring: date, autumn: date
) -> None:
    """01:00-04:00 local: two real hours the night clocks spring forward, four when they fall
    back (02:00-03:00 happens twice), three on an ordinary night."""
    shift = parse_weekly_hours("mon-sun 01:00-04:00")
    calendar = BusinessCalendar("night", zone, shift, id=2)
    for day, hours in ((spring, 2), (autumn, 4), (spring + timedelta(days=1), 3)):
        start = local_instant(ZoneInfo(zone), day, 0)
        end = local_instant(ZoneInfo(zone), day + timedelta(days=1), 0)

        assert business_time_between(calendar, start, end) == timedelta(hours=hours)

    # A period that starts inside the gap begins when the clocks jump (03:00 local).
    in_gap = BusinessCalendar("gap", zone, parse_weekly_hours("mon-sun 02:30-05:00"), id=3)
    start = local_instant(ZoneInfo(zone), spring, 0)
    due = add_business_minutes(in_gap, start, 1)
    three_oclock = local_instant(ZoneInfo(zone), spring, 3 * 60)
    assert three_oclock.astimezone(ZoneInfo(zone)).hour == 3
    assert due == three_oclock + timedelta(minutes=1)


def test_a_new_york_ticket_across_the_november_change_is_due_at_the_same_wall_time() -> None:
    zone = "America/New_York"
    friday = local(zone, 2026, 10, 30, 17, 0)  # clocks fall back on Sunday 1 November

    due = add_business_minutes(office(zone), friday, 120)

    assert due == local(zone, 2026, 11, 2, 10, 0)
    assert due == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # EST is UTC-5


# -- refusals -----------------------------------------------------------------------------------


def test_unknown_time_zones_overlapping_periods_and_bad_times_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="time zone"):
        BusinessCalendar("x", "Mars/Olympus_Mons", OFFICE)
    with pytest.raises(InvalidInputError, match="overlap"):
        parse_weekly_hours("mon 09:00-12:00 11:00-13:00")
    with pytest.raises(InvalidInputError):
        parse_weekly_hours("mon 09:00-25:00")
    with pytest.raises(InvalidInputError):
        parse_weekly_hours("fri-mon 09:00-17:00")
    with pytest.raises(InvalidInputError, match="weekday"):
        hours_from_mapping({"monday": [["09:00", "17:00"]]})


def test_a_calendar_without_working_hours_cannot_schedule_anything() -> None:
    closed = BusinessCalendar("closed", "UTC", ((),) * 7)

    with pytest.raises(InvalidInputError, match="no working hours"):
        add_business_minutes(closed, datetime(2026, 1, 1, tzinfo=UTC), 5)
    assert (
        business_minutes_between(
            closed, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
        )
        == 0
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="aware"):
        add_business_minutes(office(), datetime(2026, 3, 6, 9, 0), 5)  # noqa: DTZ001


@pytest.mark.parametrize("text", ["monday 09:00-17:00", "mon 09:00"])
def test_every_mistake_in_written_hours_is_about_the_hours_field(text: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_weekly_hours(text)

    assert refused.value.data.get("field") == "hours"


def test_closed_hours_written_out_read_back_as_closed() -> None:
    closed = BusinessCalendar("c", "UTC", ((),) * 7)

    assert parse_weekly_hours(format_weekly_hours(closed.weekly)) == closed.weekly
