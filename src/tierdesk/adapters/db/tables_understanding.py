"""Tables behind understanding tickets: facts (with where they were read), which messages were
enriched, triage predictions and models, clarifying questions, outage proposals."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime

_JSON = JSON().with_variant(JSONB(), "postgresql")

ticket_facts = Table(
    "ticket_facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("message_id", ForeignKey("messages.id"), nullable=True),
    Column("attachment_id", ForeignKey("attachments.id"), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("value", Text, nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("internal", Boolean, nullable=False),  # read from an internal note: agents only
    Column("detail", _JSON, nullable=False),  # a log template's counts, first/last seen…
    Index("ix_ticket_facts_ticket_id", "ticket_id"),
)

enriched_messages = Table(
    "enriched_messages",
    metadata,
    Column("ticket_id", ForeignKey("tickets.id"), primary_key=True),
    Column("message_id", ForeignKey("messages.id"), primary_key=True),
)

triage_models = Table(
    "triage_models",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("trained_at", UtcDateTime, nullable=False),
    Column("examples", Integer, nullable=False),
    Column("metrics", _JSON, nullable=False),
)

triage_model_fields = Table(
    "triage_model_fields",
    metadata,
    Column("model_id", ForeignKey("triage_models.id"), primary_key=True),
    Column("field", String(16), primary_key=True),
    Column("data", LargeBinary, nullable=False),  # numpy arrays (savez): no pickle
)

triage_predictions = Table(
    "triage_predictions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("field", String(16), nullable=False),
    Column("best", String(200), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("abstained", Boolean, nullable=False),
    Column("source", String(16), nullable=False),
    Column("model_id", ForeignKey("triage_models.id"), nullable=True),
    Column("alternatives", _JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("outcome", String(16), nullable=True),
    Column("final_value", String(200), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Index("ix_triage_predictions_ticket_id", "ticket_id"),
)

clarifying_questions = Table(
    "clarifying_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False),
    Column("missing", _JSON, nullable=False),
    Column("language", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("message_id", ForeignKey("messages.id"), nullable=True),
    UniqueConstraint("ticket_id", name="uq_clarifying_questions_ticket_id"),  # asked once
)

outage_proposals = Table(
    "outage_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("ticket_ids", _JSON, nullable=False),
    Column("organisation_count", Integer, nullable=False),
    Column("shared_terms", _JSON, nullable=False),
    Column("window_start", UtcDateTime, nullable=False),
    Column("window_end", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("incident_id", Integer, nullable=True),  # set when an incident is declared from it
    Column("decided_by", String(200), nullable=True),
)
