"""Maps the tables onto the plain domain classes from the outside (the domain never imports
SQLAlchemy). Each noun's module holds its own ``map_<noun>``; ``start_mappers`` calls them all,
once per process (idempotent)."""

from __future__ import annotations

from sqlalchemy.orm import registry

from tierdesk.adapters.db.access_notes import map_access_notes
from tierdesk.adapters.db.advisories import map_advisories
from tierdesk.adapters.db.answers import map_answers
from tierdesk.adapters.db.articles import map_articles
from tierdesk.adapters.db.audit import map_audit
from tierdesk.adapters.db.catalog import map_catalog
from tierdesk.adapters.db.clarify import map_clarify
from tierdesk.adapters.db.defects import map_defects
from tierdesk.adapters.db.enhancements import map_enhancements
from tierdesk.adapters.db.handoff import map_handoff
from tierdesk.adapters.db.incidents import map_incidents
from tierdesk.adapters.db.installed_base import map_installed_base
from tierdesk.adapters.db.known_issues import map_known_issues
from tierdesk.adapters.db.l3_outcomes import map_l3_outcomes
from tierdesk.adapters.db.levels import map_levels
from tierdesk.adapters.db.notifications import map_notifications
from tierdesk.adapters.db.outages import map_outages
from tierdesk.adapters.db.people import map_people
from tierdesk.adapters.db.record_links import map_record_links
from tierdesk.adapters.db.regions import map_regions
from tierdesk.adapters.db.rmas import map_rmas
from tierdesk.adapters.db.tickets import map_tickets
from tierdesk.adapters.db.time_entries import map_time_entries
from tierdesk.adapters.db.webhooks import map_webhooks

mapper_registry = registry()
_started = False


def start_mappers() -> None:
    global _started
    if _started:
        return
    _started = True
    reg = mapper_registry
    map_people(reg)
    map_catalog(reg)
    map_tickets(reg)
    map_audit(reg)
    map_levels(reg)
    map_handoff(reg)
    map_known_issues(reg)
    map_defects(reg)
    map_incidents(reg)
    map_enhancements(reg)
    map_regions(reg)
    map_record_links(reg)
    map_articles(reg)
    map_l3_outcomes(reg)
    map_notifications(reg)
    map_clarify(reg)
    map_answers(reg)
    map_webhooks(reg)
    map_outages(reg)
    map_installed_base(reg)
    map_time_entries(reg)
    map_access_notes(reg)
    map_advisories(reg)
    map_rmas(reg)
    # Configured now rather than at the first query: the mappers' ~20,000 objects then exist
    # before a serving process freezes its start-up objects (entrypoints/heap.py), and the
    # first request does not pay for them.
    reg.configure()
