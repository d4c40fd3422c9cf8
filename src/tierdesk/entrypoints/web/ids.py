"""``RecordId``: the one type of every record id a request names (path, query, body or form).

Ids are 32-bit integer columns on every engine (``domain.audit_query.MAX_RECORD_ID``). A larger
number names no record, but binding it fails in the database (an overflow on SQLite past 2**63,
"integer out of range" on PostgreSQL past 2**31) rather than matching nothing: refusing it at the
edge keeps that a 422 instead of a 500."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from tierdesk.domain.audit_query import MAX_RECORD_ID

RecordId = Annotated[int, Field(ge=1, le=MAX_RECORD_ID, description="A record id")]
