"""The complete schema: every table module, imported so that ``metadata`` knows all tables.

Each noun keeps its tables in its own module (``known_issues.py``, ``sla.py``…; ``tables.py`` is
the ticket core) on the one shared ``metadata``; Alembic and the tests use this module's
``metadata``."""

from __future__ import annotations

from tierdesk.adapters.db import (
    access_notes,  # noqa: F401 - access notes' ciphertexts, who may reveal them
    advisories,  # noqa: F401 - upgrade advisories and the organisations they reached
    answers,  # noqa: F401 - automatic answers at levels 0 and 1
    articles,  # noqa: F401 - authored KB articles, their versions and feedback
    calendars,  # noqa: F401 - business calendars
    clarify,  # noqa: F401 - clarifying questions
    csat,  # noqa: F401 - customer satisfaction ratings
    deadlines,  # noqa: F401 - the tickets' SLA clocks
    defects,  # noqa: F401 - defects (with the tracker mirror)
    deflection,  # noqa: F401 - suggestions that answered the customer
    enhancements,  # noqa: F401 - enhancement requests and their votes
    facts,  # noqa: F401 - facts read from tickets, messages read for them
    handoff,  # noqa: F401 - hand-off packets
    idempotency,  # noqa: F401 - the forms' one-time keys
    imports,  # noqa: F401 - imported records' source ids
    incidents,  # noqa: F401 - incidents and their updates
    installed_base,  # noqa: F401 - sites, installed items, entitlements
    jobs,  # noqa: F401 - background jobs (the outbox) and their attempts
    knowledge_gaps,  # noqa: F401 - unanswered questions, portal suggestions shown
    known_issues,  # noqa: F401 - known issues
    l3_outcomes,  # noqa: F401 - what level 3 concluded
    levels,  # noqa: F401 - the support levels
    live,  # noqa: F401 - who is viewing or typing on a ticket
    macros,  # noqa: F401 - reply macros
    mail,  # noqa: F401 - received e-mail, bounces
    mail_outbox,  # noqa: F401 - mail to send
    mail_threading,  # noqa: F401 - the Message-IDs that thread mail into tickets
    notifications,  # noqa: F401 - agents' in-desk notifications
    outages,  # noqa: F401 - outage proposals
    queues,  # noqa: F401 - queues
    record_links,  # noqa: F401 - tickets linked to those records
    reference_versions,  # noqa: F401 - when the catalogue, levels and queues last changed
    regions,  # noqa: F401 - follow-the-sun regions, their engineers and hand-overs
    rmas,  # noqa: F401 - hardware replacements (RMAs)
    routing,  # noqa: F401 - routing rules, round-robin state
    rules,  # noqa: F401 - automation rules and their firings
    saved_views,  # noqa: F401 - agents' saved queue views
    search,  # noqa: F401 - search documents, passages and vectors, knowledge articles
    side_conversations,  # noqa: F401 - side conversations, their messages and mail ids
    sign_in_limits,  # noqa: F401 - failed sign-ins
    sla,  # noqa: F401 - SLA policies, per-level targets
    tables,  # noqa: F401 - registers the ticket core's tables
    time_entries,  # noqa: F401 - time agents logged on tickets
    tokens,  # noqa: F401 - API tokens
    triage,  # noqa: F401 - triage suggestions and models
    web_sessions,  # noqa: F401 - signed-in browsers, single-use sign-in links
    webhooks,  # noqa: F401 - outbound webhooks, their deliveries and attempts
)
from tierdesk.adapters.db.tables import metadata

__all__ = ["metadata"]
