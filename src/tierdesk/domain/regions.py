"""Follow-the-sun regions: where engineers work, when their shift ends, and who takes over.

A region's working hours are written as a business calendar's (``"mon-fri 09:00-17:00"`` in
its IANA time zone; ``domain/calendars.py`` reads them, daylight saving included). A region's
shift ends at the end of each working day's last period: a lunch break is no hand-over. Its
``hands_to`` is the region that takes over at that moment (EMEA -> Americas -> APAC -> EMEA).

``handed_over_until`` is the last shift end whose hand-over already ran: the periodic job hands
over each later shift end once, and a new region starts from the shift end before it existed
(no hand-over of a shift nobody worked in the desk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tierdesk.domain.calendars import (
    BusinessCalendar,
    format_weekly_hours,
    parse_weekly_hours,
    working_periods,
    zone_named,
)
from tierdesk.errors import InvalidInputError

MAX_NAME = 80
_LOOK_BACK_DAYS = 8  # a week of shifts and a day: the latest end of any weekly pattern


@dataclass(eq=False)
class Region:
    name: str
    timezone: str
    hours: str  # the calendar syntax, in the region's time zone
    created_at: datetime
    hands_to_id: int | None = None
    handed_over_until: datetime | None = None
    id: int | None = None

    @property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(self.name, self.timezone, parse_weekly_hours(self.hours))

    def shift_ends(self, before: datetime, after: datetime) -> list[datetime]:
        """The shift ends in ``(after, before]``, in order (UTC)."""
        calendar = self.calendar
        day = before.astimezone(calendar.zone).date()
        ends = []
        for back in range(_LOOK_BACK_DAYS + (before - after).days, -1, -1):
            periods = working_periods(calendar, day - timedelta(days=back))
            if periods and after < periods[-1][1] <= before:
                ends.append(periods[-1][1])
        return ends

    def last_shift_end(self, now: datetime) -> datetime | None:
        """The latest shift end at or before ``now`` (within the week before)."""
        ends = self.shift_ends(now, now - timedelta(days=_LOOK_BACK_DAYS))
        return ends[-1] if ends else None

    def current_shift_end(self, now: datetime) -> datetime | None:
        """The end of the shift in progress at ``now``; between shifts, the one that ended last
        (what a "hand over now" button hands over)."""
        calendar = self.calendar
        today = now.astimezone(calendar.zone).date()
        periods = working_periods(calendar, today)
        if periods and periods[0][0] <= now < periods[-1][1]:
            return periods[-1][1]
        return self.last_shift_end(now)

    def due_shift_end(self, now: datetime) -> datetime | None:
        """The shift end the periodic job still has to hand over, if one has come."""
        end = self.last_shift_end(now)
        if end is None or (self.handed_over_until and end <= self.handed_over_until):
            return None
        return end


def check_region(
    name: str, timezone: str, hours: str, hands_to_id: int | None, own_id: int | None
) -> tuple[str, str, str]:
    """The cleaned name, time zone and hours of a region, or the field that is wrong."""
    name = name.strip()
    if not name:
        raise InvalidInputError("a region needs a name", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInputError(f"a region's name has at most {MAX_NAME} characters", field="name")
    timezone = timezone.strip()
    if not timezone:
        raise InvalidInputError("a region needs a time zone, e.g. Europe/Berlin", field="timezone")
    zone_named(timezone)
    try:
        weekly = parse_weekly_hours(hours)
    except InvalidInputError as exc:
        raise InvalidInputError(exc.message, field="hours") from exc
    if not any(weekly):
        raise InvalidInputError(
            "a region works some hours, e.g. mon-fri 09:00-17:00", field="hours"
        )
    if own_id is not None and hands_to_id == own_id:
        raise InvalidInputError("a region hands over to another region", field="hands_to")
    return name, timezone, format_weekly_hours(weekly)
