"""Business-hours calendars and the arithmetic of business time.

A calendar says when the desk is working: for each weekday some intervals of local wall-clock
time (minutes after local midnight, ``1440`` meaning the next midnight), an IANA time zone, and
holidays (local dates on which nothing counts). Business time between two instants is the real
time elapsed inside those intervals, so

- a day whose clocks jump forward has an hour less of it when its intervals span the jump, and a
  day whose clocks fall back has an hour more (01:00-04:00 on a fall-back night is four hours);
- a boundary that names a wall time which does not exist (inside a spring-forward gap) counts
  from the moment the clocks jumped; a wall time that happens twice is its first occurrence;
- a calendar open all week round measures exactly wall-clock time.

Everything here is pure (standard library only) and works on aware datetimes; results are UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tierdesk.errors import InvalidInputError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
# How far ahead to look for working time before deciding a calendar has none (ten years).
MAX_SEARCH_DAYS = 3660

MAX_NAME_LENGTH = 120  # the column's

Interval = tuple[int, int]  # [start, end) in minutes after local midnight
WeeklyHours = tuple[tuple[Interval, ...], ...]  # seven entries, Monday first


def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; refuses what the time-zone database does not know."""
    try:
        return ZoneInfo(name)
    # OSError: a folder of the database ("Europe") or a name too long to be a file's
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidInputError(f"unknown time zone {name!r}", field="timezone") from exc


def check_weekly_hours(weekly: Sequence[Sequence[Interval]]) -> WeeklyHours:
    """Seven days of sorted, non-overlapping intervals inside a day; adjacent ones are joined."""
    if len(weekly) != 7:
        raise InvalidInputError("weekly hours need exactly seven days", field="hours")
    days: list[tuple[Interval, ...]] = []
    for name, intervals in zip(WEEKDAYS, weekly, strict=True):
        joined: list[Interval] = []
        for start, end in sorted((int(s), int(e)) for s, e in intervals):
            if not 0 <= start < end <= MINUTES_PER_DAY:
                raise InvalidInputError(
                    f"{name}: {_clock(start)}-{_clock(end)} is not a period within one day",
                    field="hours",
                )
            if joined and start < joined[-1][1]:
                raise InvalidInputError(f"{name}: working periods overlap", field="hours")
            if joined and start == joined[-1][1]:
                joined[-1] = (joined[-1][0], end)
            else:
                joined.append((start, end))
        days.append(tuple(joined))
    return tuple(days)


@dataclass(frozen=True)
class BusinessCalendar:
    """When the desk works. ``weekly`` holds Monday's intervals first, Sunday's last."""

    name: str
    timezone: str
    weekly: WeeklyHours
    holidays: frozenset[date] = field(default_factory=frozenset)
    description: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInputError("a calendar needs a name", field="name")
        if len(self.name) > MAX_NAME_LENGTH:
            raise InvalidInputError(
                f"a calendar's name has at most {MAX_NAME_LENGTH} characters", field="name"
            )
        zone_named(self.timezone)
        object.__setattr__(self, "weekly", check_weekly_hours(self.weekly))
        object.__setattr__(self, "holidays", frozenset(self.holidays))

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.timezone)

    @property
    def has_working_time(self) -> bool:
        return any(self.weekly)

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The working intervals of a local date (none on a holiday)."""
        if day in self.holidays:
            return ()
        return self.weekly[day.weekday()]


def require_working_time(calendar: BusinessCalendar) -> None:
    """What a calendar must have to be stored: a desk that never works would never reach a
    deadline, and every ticket whose clock used it would be refused."""
    if not calendar.has_working_time:
        raise InvalidInputError("a calendar needs working hours on at least one day", field="hours")


def always_open(name: str = "24x7", timezone: str = "UTC") -> BusinessCalendar:
    whole_day = ((0, MINUTES_PER_DAY),)
    return BusinessCalendar(name=name, timezone=timezone, weekly=(whole_day,) * 7)


# -- instants -----------------------------------------------------------------------------------


def _require_aware(instant: datetime, what: str) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInputError(f"{what} must be an aware datetime", field=what)


def local_instant(zone: ZoneInfo, day: date, minute: int) -> datetime:
    """The UTC instant of ``minute`` after local midnight of ``day``.

    A wall time that happens twice (clocks falling back) is its first occurrence; one that never
    happens (clocks springing forward) is the moment the clocks jumped."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    first = wall.replace(tzinfo=zone).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # Inside a gap: PEP 495 reads the wall time with the offset before (fold=0) and after
    # (fold=1) the jump; the jump itself lies between the two readings. Find it to the second.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = (int(t.timestamp()) for t in sorted((first, other)))
    after = datetime.fromtimestamp(high, UTC).astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def working_periods(calendar: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    """The working periods of one local date as UTC instants, in order."""
    zone = calendar.zone
    periods = []
    for start, end in calendar.intervals_on(day):
        begin, finish = local_instant(zone, day, start), local_instant(zone, day, end)
        if begin < finish:  # a period wholly inside a spring-forward gap is empty
            periods.append((begin, finish))
    return periods


def _periods_from(
    calendar: BusinessCalendar, start: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Working periods from ``start`` on (the first one clipped to begin at ``start``)."""
    day = start.astimezone(calendar.zone).date()
    idle_days = 0
    while True:
        periods = working_periods(calendar, day)
        idle_days = 0 if periods else idle_days + 1
        if idle_days > MAX_SEARCH_DAYS:
            raise InvalidInputError(
                f"calendar {calendar.name!r} has no working time in the next ten years",
                field="calendar",
            )
        for begin, end in periods:
            if end > start:
                yield max(begin, start), end
        day += timedelta(days=1)


# -- arithmetic ---------------------------------------------------------------------------------


def add_business_time(calendar: BusinessCalendar, start: datetime, amount: timedelta) -> datetime:
    """The instant when ``amount`` of business time has passed since ``start``.

    Ends inside or at the end of a working period: 1 hour from 17:30 in a 09:00-18:00 calendar
    is 09:30 the next working day; 30 minutes from 17:30 is 18:00 that day."""
    _require_aware(start, "start")
    if amount < timedelta(0):
        raise InvalidInputError("business time to add cannot be negative", field="minutes")
    start = start.astimezone(UTC)
    if amount == timedelta(0):
        return start
    if not calendar.has_working_time:
        raise InvalidInputError(f"calendar {calendar.name!r} has no working hours")
    left = amount
    for begin, end in _periods_from(calendar, start):
        if left <= end - begin:
            return begin + left
        left -= end - begin
    raise AssertionError("unreachable: the period generator is endless")  # pragma: no cover


def business_time_between(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: Iterable[tuple[datetime, datetime]] = (),
) -> timedelta:
    """Business time from ``start`` to ``end`` (negative when ``end`` comes first), leaving out
    the ``pauses`` (intervals that may overlap each other or stick out of the range)."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        return -business_time_between(calendar, end, start, pauses)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = _between(calendar, start, end)
    for pause_start, pause_end in merge_intervals(pauses):
        low, high = max(pause_start, start), min(pause_end, end)
        if low < high:
            total -= _between(calendar, low, high)
    return total


def _between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    total = timedelta(0)
    if start >= end or not calendar.has_working_time:
        return total
    day, last = start.astimezone(calendar.zone).date(), end.astimezone(calendar.zone).date()
    while day <= last:
        for begin, finish in working_periods(calendar, day):
            low, high = max(begin, start), min(finish, end)
            if low < high:
                total += high - low
        day += timedelta(days=1)
    return total


def merge_intervals(
    intervals: Iterable[tuple[datetime, datetime]],
) -> list[tuple[datetime, datetime]]:
    """Sorted, non-overlapping UTC intervals covering the same instants; empty ones dropped."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def is_business_time(calendar: BusinessCalendar, instant: datetime) -> bool:
    """True when ``instant`` lies inside a working period (start included, end excluded)."""
    _require_aware(instant, "instant")
    instant = instant.astimezone(UTC)
    day = instant.astimezone(calendar.zone).date()
    return any(begin <= instant < end for begin, end in working_periods(calendar, day))


def add_business_minutes(calendar: BusinessCalendar, start: datetime, minutes: float) -> datetime:
    return add_business_time(calendar, start, timedelta(minutes=minutes))


def business_minutes_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> float:
    return business_time_between(calendar, start, end) / timedelta(minutes=1)


# -- reading and writing weekly hours ----------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_clock(text: str) -> int:
    """``"09:30"`` → 570 minutes; ``"24:00"`` is the end of the day."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise InvalidInputError(f"{text!r} is not a time like 09:00", field="hours")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise InvalidInputError(f"{text!r} is not a time of day", field="hours")
    return hours * 60 + minutes


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def hours_from_mapping(mapping: Mapping[str, Sequence[Sequence[str]]]) -> WeeklyHours:
    """``{"mon": [["09:00", "18:00"]], …}`` → weekly hours; days left out are closed."""
    unknown = sorted(set(mapping) - set(WEEKDAYS))
    if unknown:
        raise InvalidInputError(
            f"unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}", field="hours"
        )
    days: list[list[Interval]] = []
    for name in WEEKDAYS:
        intervals = []
        for pair in mapping.get(name, []):
            if len(pair) != 2:
                raise InvalidInputError(f"{name}: give each period as [start, end]", field="hours")
            intervals.append((parse_clock(pair[0]), parse_clock(pair[1])))
        days.append(intervals)
    return check_weekly_hours(days)


def hours_to_mapping(weekly: WeeklyHours) -> dict[str, list[list[str]]]:
    return {
        name: [[_clock(s), _clock(e)] for s, e in intervals]
        for name, intervals in zip(WEEKDAYS, weekly, strict=True)
    }


def _day_set(text: str) -> list[int]:
    days: list[int] = []
    for item in text.split(","):
        first, _, last = item.strip().lower().partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise InvalidInputError(
                f"{item.strip()!r} is not a weekday or a range like mon-fri", field="hours"
            )
        low, high = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if high < low:
            raise InvalidInputError(
                f"{item.strip()!r} runs backwards; write mon-fri", field="hours"
            )
        days.extend(range(low, high + 1))
    return days


def parse_weekly_hours(text: str) -> WeeklyHours:
    """Hours written as ``"mon-fri 09:00-12:00 13:00-18:00; sat 10:00-14:00"``.

    Groups are separated by ``;``: first the days (names or ranges, comma-separated), then one
    or more periods. Days not named are closed; ``"mon-sun 00:00-24:00"`` is round the clock;
    ``"closed"`` (what :func:`format_weekly_hours` writes for no hours) is never open."""
    days: list[list[Interval]] = [[] for _ in WEEKDAYS]
    if text.strip().lower() == "closed":
        return check_weekly_hours(days)
    for group in filter(None, (g.strip() for g in text.split(";"))):
        day_text, *period_texts = group.split()
        if not period_texts:
            raise InvalidInputError(f"{group!r} names days but no hours", field="hours")
        periods = []
        for period in period_texts:
            start, sep, end = period.partition("-")
            if not sep:
                raise InvalidInputError(
                    f"{period!r} is not a period like 09:00-18:00", field="hours"
                )
            periods.append((parse_clock(start), parse_clock(end)))
        for day in _day_set(day_text):
            days[day].extend(periods)
    return check_weekly_hours(days)


def format_weekly_hours(weekly: WeeklyHours) -> str:
    """The inverse of :func:`parse_weekly_hours`, runs of equal days folded into ranges."""
    groups: list[str] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and weekly[last + 1] == weekly[day]:
            last += 1
        if weekly[day]:
            names = WEEKDAYS[day] if last == day else f"{WEEKDAYS[day]}-{WEEKDAYS[last]}"
            periods = " ".join(f"{_clock(s)}-{_clock(e)}" for s, e in weekly[day])
            groups.append(f"{names} {periods}")
        day = last + 1
    return "; ".join(groups) or "closed"
