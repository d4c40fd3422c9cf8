"""``RecordId``: the one type of every record id a request names (path, query or body).

Ids are 32-bit integer columns on every engine (``domain.audit_query.MAX_RECORD_ID``). A larger
number (or one below 1) names no record, but binding it fails in the database (an overflow on
SQLite past 2**63, "integer out of range" on PostgreSQL past 2**31) instead of matching nothing.
So it is answered here as what it is, an id of no record: 404, as the ticket routes and any
unknown id answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from tierdesk.domain.audit_query import MAX_RECORD_ID
from tierdesk.errors import NotFoundError


def _names_a_record(value: int) -> int:
    # Not a ValueError on purpose: pydantic lets other exceptions through, and the desk's error
    # handlers answer NotFoundError with 404 on the API and on pages alike.
    if not 1 <= value <= MAX_RECORD_ID:
        raise NotFoundError(f"no record has the id {value}", id=str(value))
    return value


RecordId = Annotated[
    int,
    AfterValidator(_names_a_record),
    Field(
        description="A record id",
        json_schema_extra={"minimum": 1, "maximum": MAX_RECORD_ID},
    ),
]


def typed_record_id(text: str) -> int | None:
    """The record id in what a form sent ("42", " 42 "), or None when it names none: not
    plain ASCII digits ("²" passes ``str.isdigit`` and fails ``int``), or out of range (binding
    it would fail in the database: a 500 where the form's own message belongs)."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 12:
        return None
    value = int(cleaned)
    return value if 1 <= value <= MAX_RECORD_ID else None
