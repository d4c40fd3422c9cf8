"""The complete schema: every table module, imported so that ``metadata`` knows all tables.

Each area keeps its tables in its own module (``tables.py`` is the ticket core) on the one shared
``metadata``; Alembic and the tests use this module's ``metadata``."""

from __future__ import annotations

from tierdesk.adapters.db import (
    tables,  # noqa: F401 - registers the ticket core's tables
    tables_jobs,  # noqa: F401 - background jobs (the outbox) and their attempts
    tables_levels,  # noqa: F401 - levels and hand-off packets
    tables_mail,  # noqa: F401 - e-mail in and out
    tables_routing,  # noqa: F401 - queues, routing and automation rules
    tables_search,  # noqa: F401 - search documents, passages and vectors, knowledge articles
    tables_sla,  # noqa: F401 - calendars, SLA policies, ticket clocks, notifications
    tables_understanding,  # noqa: F401 - facts, triage, clarifying questions, outages
    tables_web,  # noqa: F401 - saved views, macros, CSAT, deflections, magic links
    tables_workflow,  # noqa: F401 - known issues, defects, incidents, enhancements, outcomes
)
from tierdesk.adapters.db.tables import metadata

__all__ = ["metadata"]
