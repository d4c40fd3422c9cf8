"""The export's files (docs/export.md) and the mapping of the desk's rows onto their lines.

One file per kind of record, each line a JSON object of the row's columns under their own
names, with the desk's own ids, so that references between files (a message's ``ticket_id``, an
event's ``ticket_id``) stay true across an export and an import. What a line leaves out:
secrets (``password_hash``: nobody's password or token leaves the desk), what storage derives
(``name_key``), a ticket's change counter (``revision``), where this desk keeps a file (an
attachment's ``storage_key``; the file itself is ``attachments/<sha256>`` beside the NDJSON
files) and references to what the export leaves out (a side conversation's mail's
``outbox_id``: the outbox is not exported).

A line is keyed by its ``id``; the two tables without one by their primary key (``region_members``
by ``agent_id``, ``ticket_installed_items`` by ``(ticket_id, installed_item_id)``): the export
pages through a file by its key and the import keeps its source ids by it, so neither needs a
surrogate id the desk itself has no use for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Date, Row, Table

from tierdesk.adapters.db import advisories as advisories_db
from tierdesk.adapters.db import articles as articles_db
from tierdesk.adapters.db import csat, defects, enhancements, handoff, incidents, known_issues
from tierdesk.adapters.db import installed_base as installed_base_db
from tierdesk.adapters.db import levels as levels_db
from tierdesk.adapters.db import queues as queues_db
from tierdesk.adapters.db import record_links as record_links_db
from tierdesk.adapters.db import regions as regions_db
from tierdesk.adapters.db import rmas as rmas_db
from tierdesk.adapters.db import side_conversations as sides_db
from tierdesk.adapters.db import tables as t
from tierdesk.adapters.db import time_entries as time_entries_db
from tierdesk.adapters.db.types import JsonValue, TierNumber, UtcDateTime
from tierdesk.domain.messages import MessageKind

SECRETS = frozenset({"password_hash"})
DERIVED = frozenset({"name_key"})
# A ticket's change counter, which only this desk's own writes compare: an import starts it anew.
# (A hand-off packet's ``revision`` is its amendment's number: exported.)
BOOKKEEPING = {"tickets": frozenset({"revision"})}


@dataclass(frozen=True)
class ExportFile:
    name: str  # the file is ``<name>.ndjson``
    table: Table
    where: ColumnElement[bool] | None = None  # the rows of the table this file holds
    # Where this desk keeps something (an attachment's file): read for the export's own use
    # and never written to the file; the import fills it in with where the new desk keeps it.
    local: frozenset[str] = frozenset()
    # What a line is known by: the columns the export pages by and the import keeps its source
    # ids under (integers, the table's primary key).
    key: tuple[str, ...] = ("id",)
    # Nullable references to what the export leaves out: never written, null in an import.
    omitted: frozenset[str] = frozenset()
    # Nullable references to lines of the same file, which may come later in it: the import
    # stores them once the whole file is in (``SqlDeskRows.link``).
    deferred: frozenset[str] = frozenset()

    def fields(self) -> list[str]:
        kept_here = BOOKKEEPING.get(self.table.name, frozenset())
        hidden = SECRETS | DERIVED | kept_here | self.local | self.omitted
        return [c.name for c in self.table.columns if c.name not in hidden]


_note = MessageKind.INTERNAL_NOTE.value
# Access to customers' systems never leaves the desk (docs/export.md): not the notes (the
# ``access_notes`` table is not a file), nor their trail, whose events name them.
_access_note = "access_note"

# In the order an import stores them: every file refers only to files above it.
FILES: tuple[ExportFile, ...] = (
    ExportFile("plans", t.support_plans),
    ExportFile("organisations", t.organisations),
    ExportFile("contacts", t.contacts),
    ExportFile("agents", t.agents),
    ExportFile("products", t.products),
    ExportFile("components", t.components),
    ExportFile("versions", t.versions),
    ExportFile("sites", installed_base_db.sites),
    ExportFile("installed_items", installed_base_db.installed_items),
    ExportFile("entitlements", installed_base_db.entitlements),
    ExportFile("levels", levels_db.levels),
    ExportFile("queues", queues_db.queues),
    ExportFile("tickets", t.tickets),
    ExportFile("messages", t.messages, t.messages.c.kind != _note),
    ExportFile("notes", t.messages, t.messages.c.kind == _note),
    ExportFile("attachments", t.attachments, local=frozenset({"storage_key"})),
    ExportFile("ticket_links", t.ticket_links),
    ExportFile("events", t.audit_events, t.audit_events.c.subject_type != _access_note),
    ExportFile("packets", handoff.handoff_packets),
    ExportFile("ratings", csat.csat_ratings),
    ExportFile("known_issues", known_issues.known_issues),
    ExportFile("defects", defects.defects),
    ExportFile("incidents", incidents.incidents),
    ExportFile("incident_updates", incidents.incident_updates),
    ExportFile("enhancements", enhancements.enhancements),
    ExportFile("enhancement_votes", enhancements.enhancement_votes),
    ExportFile("articles", articles_db.articles),
    ExportFile("article_versions", articles_db.article_versions),
    ExportFile("record_links", record_links_db.record_links),
    # Issue 21's records.
    ExportFile(
        "ticket_installed_items",
        installed_base_db.ticket_installed_items,
        key=("ticket_id", "installed_item_id"),
    ),
    ExportFile("side_conversations", sides_db.side_conversations),
    ExportFile("side_messages", sides_db.side_messages),
    ExportFile("side_mail", sides_db.side_mail, omitted=frozenset({"outbox_id"})),
    ExportFile("regions", regions_db.regions, deferred=frozenset({"hands_to_id"})),
    ExportFile("region_members", regions_db.region_members, key=("agent_id",)),
    ExportFile("handovers", regions_db.handovers),
    ExportFile("time_entries", time_entries_db.time_entries),
    ExportFile("rmas", rmas_db.rmas),
    ExportFile("advisories", advisories_db.advisories),
    ExportFile("advisory_organisations", advisories_db.advisory_organisations),
)
BY_NAME = {f.name: f for f in FILES}


def to_document(file: ExportFile, row: Row[Any]) -> dict[str, Any]:
    """One row as its line: times and dates as ISO 8601, levels as numbers, enums as text."""
    values = row._mapping
    document: dict[str, Any] = {}
    for name in [*file.fields(), *sorted(file.local)]:
        column = file.table.c[name]
        value = values[name]
        if value is None:
            document[name] = None
        elif isinstance(column.type, UtcDateTime | Date) and isinstance(value, datetime | date):
            document[name] = value.isoformat()
        elif isinstance(column.type, TierNumber):
            document[name] = int(value)
        elif isinstance(column.type, JsonValue):  # a domain value: as it is stored
            document[name] = value.to_dict()
        elif isinstance(value, Enum):
            document[name] = value.value
        else:
            document[name] = value
    return document
