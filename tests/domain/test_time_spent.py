"""Reading durations as agents type them, and time in status from a ticket's trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.time_spent import format_minutes, parse_duration, time_in_status
from tierdesk.errors import InvalidInputError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("90", 90),
        ("1h 30m", 90),
        ("1h30", 90),
        ("1.5h", 90),
        ("1,5 h", 90),
        ("0.25h", 15),
        ("45 min", 45),
        ("2 hours", 120),
        ("1:30", 90),
        (" 3H ", 180),
        (25, 25),
    ],
)
def test_a_duration_is_read_as_agents_type_it(typed: str | int, minutes: int) -> None:
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize("typed", ["", "abc", "1.5", "h", "-5", "0", "25h", "1h 30x", "1e3"])
def test_what_is_not_a_duration_is_refused_on_the_minutes_field(typed: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_duration(typed)
    assert refused.value.data["field"] == "minutes"


def test_minutes_are_shown_in_hours_and_minutes() -> None:
    assert [format_minutes(m) for m in (5, 60, 90, 605)] == ["5m", "1h", "1h 30m", "10h 05m"]


def _event(minutes: int, **changes: list[object]) -> AuditEvent:
    return AuditEvent("ticket", "x", "agent", T0 + timedelta(minutes=minutes), changes=changes)


def test_time_in_status_and_at_each_level_comes_from_the_status_and_level_changes() -> None:
    trail = [
        _event(30, status=["new", "open"]),
        _event(90, tier=[1, 2]),  # escalated while open
        _event(150, status=["open", "pending-customer"]),
        _event(0, subject="noise"),  # an event that changes neither
    ]
    now = T0 + timedelta(minutes=240)

    spent = time_in_status(trail, T0, "pending-customer", 2, now)

    assert spent.statuses == [
        ("new", timedelta(minutes=30)),
        ("open", timedelta(minutes=120)),
        ("pending-customer", timedelta(minutes=90)),
    ]
    assert spent.levels == [(1, timedelta(minutes=90)), (2, timedelta(minutes=150))]
    assert spent.since == T0 + timedelta(minutes=150)
    assert spent.total == timedelta(minutes=240)


def test_a_closed_tickets_clock_stops_at_its_closing() -> None:
    trail = [_event(60, status=["new", "closed"])]
    closed = T0 + timedelta(minutes=60)

    spent = time_in_status(trail, T0, "closed", 0, T0 + timedelta(days=30), closed)

    assert spent.statuses == [("new", timedelta(minutes=60))]
    assert spent.levels == [(0, timedelta(minutes=60))]


@pytest.mark.parametrize("typed", ["99999", "1500", "2000 min", "100h", "1000h"])
def test_too_much_time_is_told_as_more_than_a_day_however_many_digits(typed: str) -> None:
    # "99999" was "not a duration; write minutes (90)…" although it is minutes: too many.
    with pytest.raises(InvalidInputError, match="more than a day"):
        parse_duration(typed)
