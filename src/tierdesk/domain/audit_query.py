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


def parse_moment(text: str, field: str, *, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime (no zone given: UTC). A bare date
    means the start of that day, or with ``end_of_day`` the start of the next, so
    ``until=2026-03-02`` takes in all of the 2nd."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, time.min, tzinfo=UTC)
            return moment + timedelta(days=1) if end_of_day else moment
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInputError(
            f"{field} {text!r} is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[+zone])",
            field=field,
        ) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


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
