"""Tables of what levels 3 and 4 decide: known issues, defects, incidents and their updates,
enhancement requests and their votes, ticket links to all of them, and L3 outcomes."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from tierdesk.adapters.db.tables import json_dict, json_list, metadata
from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime
from tierdesk.domain.defects import DefectStatus, Severity
from tierdesk.domain.enhancements import EnhancementStatus
from tierdesk.domain.incidents import IncidentSeverity, IncidentStatus
from tierdesk.domain.known_issues import KnownIssueStatus
from tierdesk.domain.l3_outcomes import L3Outcome
from tierdesk.domain.record_links import RecordKind

known_issues = Table(
    "known_issues",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("symptoms", Text, nullable=False),
    Column("root_cause", Text, nullable=False),
    Column("fix", Text, nullable=False),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("affected_versions", json_list(), nullable=False),
    Column("status", EnumText(KnownIssueStatus), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)

defects = Table(
    "defects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("reproduction", json_dict(), nullable=False),
    Column("severity", EnumText(Severity), nullable=False),
    Column("status", EnumText(DefectStatus), nullable=False, index=True),
    Column("fixed_in", String(64)),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("source_ticket_id", ForeignKey("tickets.id")),
    Column("tracker", String(32)),
    Column("external_id", String(64)),
    Column("external_url", String(500)),
    Column("external_state", String(32)),
    Column("external_labels", json_list(), nullable=False),
    Column("external_milestone", String(200)),
    Column("synced_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("tracker", "external_id", name="uq_defects_tracker_external_id"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("severity", EnumText(IncidentSeverity), nullable=False),
    Column("status", EnumText(IncidentStatus), nullable=False, index=True),
    Column("product_id", ForeignKey("products.id")),
    Column("declared_at", UtcDateTime, nullable=False),
    Column("declared_by", String(200), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    Column("post_incident_note", Text),
)

incident_updates = Table(
    "incident_updates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", ForeignKey("incidents.id"), nullable=False, index=True),
    Column("status", EnumText(IncidentStatus), nullable=False),
    Column("text", Text, nullable=False),
    Column("posted_at", UtcDateTime, nullable=False),
    Column("posted_by", String(200), nullable=False),
    Column("tickets_notified", Integer, nullable=False),
)

enhancements = Table(
    "enhancements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("status", EnumText(EnhancementStatus), nullable=False),
    Column("shipped_in", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)

enhancement_votes = Table(
    "enhancement_votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enhancement_id", ForeignKey("enhancements.id"), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id")),
    Column("created_at", UtcDateTime, nullable=False),
    # One vote per organisation, however many of its tickets ask.
    UniqueConstraint(
        "enhancement_id", "organisation_id", name="uq_enhancement_votes_enhancement_organisation"
    ),
)

record_links = Table(
    "record_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_kind", EnumText(RecordKind), nullable=False),
    Column("record_id", Integer, nullable=False),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("record_kind", "record_id", "ticket_id", name="uq_record_links_record_ticket"),
)

l3_outcomes = Table(
    "l3_outcomes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("outcome", EnumText(L3Outcome), nullable=False),
    Column("tier", TierNumber, nullable=False),
    Column("product_id", ForeignKey("products.id")),
    Column("record_id", Integer),
    Column("decided_at", UtcDateTime, nullable=False),
    Column("decided_by", String(200), nullable=False),
    Index("ix_l3_outcomes_decided_at", "decided_at"),
)
