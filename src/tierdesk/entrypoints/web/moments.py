"""``Moment``: the one type of every date-time a request names as a query parameter.

A date-time without a zone is taken as UTC (binding a naive one failed in the database adapter,
which stores aware UTC times only); one UTC cannot hold, or that lies so far out that counting
a period back from it leaves the years a datetime holds (``9999-12-31T23:00-05:00``,
``0001-01-01T00:00+05:00``), is refused as the request's mistake: 422 naming the parameter,
where converting it raised an OverflowError and answered 500."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator

from tierdesk.domain.audit_query import in_utc

Moment = Annotated[datetime, AfterValidator(in_utc)]
