"""The complete schema: every table module, imported so that ``metadata`` knows all tables.

Each noun keeps its tables in its own module (``known_issues.py``; ``tables.py`` is the ticket
core; some areas still have a ``tables_*`` module) on the one shared ``metadata``; Alembic and
the tests use this module's ``metadata``."""

from __future__ import annotations

from tierdesk.adapters.db import (
    defects,  # noqa: F401 - defects (with the tracker mirror)
    enhancements,  # noqa: F401 - enhancement requests and their votes
    incidents,  # noqa: F401 - incidents and their updates
    known_issues,  # noqa: F401 - known issues
    l3_outcomes,  # noqa: F401 - what level 3 concluded
    record_links,  # noqa: F401 - tickets linked to those records
    tables,  # noqa: F401 - registers the ticket core's tables
    tables_jobs,  # noqa: F401 - background jobs (the outbox) and their attempts
    tables_levels,  # noqa: F401 - levels and hand-off packets
    tables_mail,  # noqa: F401 - e-mail in and out
    tables_routing,  # noqa: F401 - queues, routing and automation rules
    tables_search,  # noqa: F401 - search documents, passages and vectors, knowledge articles
    tables_sla,  # noqa: F401 - calendars, SLA policies, ticket clocks, notifications
    tables_understanding,  # noqa: F401 - facts, triage, clarifying questions, outages
    tables_web,  # noqa: F401 - saved views, macros, CSAT, deflections, magic links
)
from tierdesk.adapters.db.tables import metadata

__all__ = ["metadata"]
