"""Which audit events an admin or lead asked to see: the filter, its page size and its cursor,
and the reading of the dates people type. Pure values; the repository turns them into SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tierdesk.errors import InvalidInputError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class ActorRef:
    """Who acted, as the trail records it: ``kind`` is agent, contact or system; ``id`` is None
    for the system (it has no row) and for "any actor of this kind"."""

    kind: str
    id: int | None = None


@dataclass(frozen=True)
class AuditQuery:
    """Events newest first. ``since`` is inclusive and ``until`` exclusive, so consecutive ranges
    never count an event twice; ``before_id`` is the keyset cursor (events recorded before it),
    which keeps pages stable while new events arrive."""

    entity: str | None = None
    actor: ActorRef | None = None
    action_prefix: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None
    limit: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise InvalidInputError(
                f"page size must be between 1 and {MAX_PAGE_SIZE}, not {self.limit}", field="limit"
            )
        for name, moment in (("since", self.since), ("until", self.until)):
            if moment is not None and moment.tzinfo is None:
                raise InvalidInputError(f"{name} must carry a time zone", field=name)
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise InvalidInputError("'since' must be earlier than 'until'", field="since")


# The date-times a person may name: well inside the years a datetime holds (1 to 9999), so that
# taking one to UTC, counting a period back from it or a day on never leaves them (an
# OverflowError there answered 500: 9999-12-31T23:00-05:00 is past 9999 in UTC).
EARLIEST_MOMENT = datetime(1000, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(9000, 1, 1, tzinfo=UTC)


def in_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (no zone given: UTC). ValueError when it lies
    outside [EARLIEST_MOMENT, LATEST_MOMENT)."""
    try:
        utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # the zone's offset took it past year 1 or 9999
        utc = None
    if utc is None or not EARLIEST_MOMENT <= utc < LATEST_MOMENT:
        raise ValueError(
            f"{moment.isoformat()} is not between {EARLIEST_MOMENT.year} and "
            f"{LATEST_MOMENT.year} (UTC)"
        )
    return utc


def parse_moment(text: str, field: str, *, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime (no zone given: UTC). A bare date
    means the start of that day, or with ``end_of_day`` the start of the next, so
    ``until=2026-03-02`` takes in all of the 2nd."""
    value = text.strip()
    whole_day = len(value) == 10
    try:
        if whole_day:
            parsed = datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
        else:
            parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInputError(
            f"{field} {text!r} is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[+zone])",
            field=field,
        ) from exc
    try:
        moment = in_utc(parsed)
    except ValueError as exc:
        raise InvalidInputError(f"{field}: {exc}", field=field) from exc
    return moment + timedelta(days=1) if whole_day and end_of_day else moment


MAX_RECORD_ID = 2**31 - 1  # ids are 32-bit integers on every engine


def parse_record_id(text: str) -> int | None:
    """A positive id that fits the id columns, or None: ASCII digits only, since a larger
    number would fail in the database (PostgreSQL) rather than match nothing."""
    value = text.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_RECORD_ID else None


def parse_cursor(text: str) -> int:
    """A cursor is the id of the last event on the previous page."""
    cursor = parse_record_id(text)
    if cursor is None:
        raise InvalidInputError(f"cursor {text!r} is not one this desk handed out", field="cursor")
    return cursor
