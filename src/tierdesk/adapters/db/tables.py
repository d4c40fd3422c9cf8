"""The schema, as SQLAlchemy Core tables. Alembic migrations create it; mappers map it onto the
plain domain classes. Lists and dicts are JSON (JSONB on PostgreSQL), tracked for in-place edits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.types import TypeEngine

from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime
from tierdesk.domain.answer_policy import AnswerPolicy
from tierdesk.domain.handoff import PacketStatus
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Role
from tierdesk.domain.tickets import LinkKind, Priority, Status, TicketType

# Constraint names are fixed so that migrations can refer to them on every engine.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def json_value() -> TypeEngine[Any]:
    """JSON (JSONB on PostgreSQL), replaced whole when it changes."""
    return JSON().with_variant(JSONB(), "postgresql")


def json_list() -> TypeEngine[Any]:
    return MutableList.as_mutable(json_value())


def json_dict() -> TypeEngine[Any]:
    return MutableDict.as_mutable(json_value())


support_plans = Table(
    "support_plans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(40), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("coverage", String(40), nullable=False),
    Column("highest_tier", TierNumber, nullable=False),
    Column("description", Text, nullable=False, default=""),
    # The most the answerer may do on the plan's tickets (domain/answer_policy.py; issue 17).
    Column("answers", EnumText(AnswerPolicy, length=16), nullable=False, server_default="send"),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    # domain.names.name_key(name), kept by the mapper: names compare alike on both engines
    Column("name_key", String(400), nullable=False),
    Column("plan_id", ForeignKey("support_plans.id"), nullable=False),
    Column("email_domains", json_list(), nullable=False),
    Column("country", String(2)),
    Column("timezone", String(64), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("uq_organisations_name_key", "name_key", unique=True),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("language", String(16)),  # NULL: not stated (migration 0019)
    Column("phone", String(64)),
    Column("active", Boolean, nullable=False),
    Column("password_hash", String(255)),
    Column("created_at", UtcDateTime, nullable=False),
)

agents = Table(
    "agents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", EnumText(Role), nullable=False),
    Column("tiers", json_list(), nullable=False),
    Column("skills", json_list(), nullable=False),
    Column("languages", json_list(), nullable=False),
    Column("queues", json_list(), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("away", Boolean, nullable=False),
    Column("password_hash", String(255)),
    Column("created_at", UtcDateTime, nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("name_key", String(400), nullable=False),  # domain.names.name_key(name)
    Column("description", Text, nullable=False),
    Index("uq_products_name_key", "name_key", unique=True),
)

components = Table(
    "components",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    UniqueConstraint("product_id", "name", name="uq_components_product_name"),
)

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("released_on", Date),
    Column("end_of_support", Date),
    UniqueConstraint("product_id", "name", name="uq_versions_product_name"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(32), unique=True),
    Column("subject", String(500), nullable=False),
    Column("channel", EnumText(Channel), nullable=False),
    Column("requester_id", ForeignKey("contacts.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("type", EnumText(TicketType), nullable=False),
    Column("priority", EnumText(Priority), nullable=False),
    Column("status", EnumText(Status), nullable=False, index=True),
    Column("tier", TierNumber, nullable=False, index=True),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("component_id", ForeignKey("components.id")),
    Column("version_id", ForeignKey("versions.id")),
    Column("queue", String(120), index=True),
    Column("assignee_id", ForeignKey("agents.id"), index=True),
    Column("language", String(16)),
    Column("tags", json_list(), nullable=False),
    Column("custom_fields", json_dict(), nullable=False),
    Column("followers", json_list(), nullable=False),
    # With a default, so exports made before it existed still import (adapters/db/import_rows).
    Column("ccs", json_list(), nullable=False, server_default="[]"),
    Column("resolution", Text),
    Column("public_answer", Text),  # the customer's part of the solution
    Column("escalation_state", EnumText(PacketStatus)),
    # Indexed for the reads of a recent window (the outage check, per new ticket; the answer
    # and dashboard figures), which otherwise scan every ticket.
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("first_response_at", UtcDateTime),
    Column("solved_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    # Checked and raised by every UPDATE of the row (the mapper's version counter): a change
    # made over a state someone else has changed since is refused (unit_of_work: 409).
    Column("revision", Integer, nullable=False, server_default="1"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("kind", EnumText(MessageKind), nullable=False),
    Column("channel", EnumText(Channel), nullable=False),
    Column("author_kind", String(16), nullable=False),
    Column("author_id", Integer),
    Column("author_name", String(200), nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text),
    Column("created_at", UtcDateTime, nullable=False),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", ForeignKey("messages.id"), nullable=False, index=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(127), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(255), nullable=False),
    # Customer-system diagnostics only some levels may read (see domain/levels.py).
    Column("restricted", Boolean, nullable=False, server_default=false()),
    Column("created_at", UtcDateTime, nullable=False),
)

ticket_links = Table(
    "ticket_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("target_ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("kind", EnumText(LinkKind), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint(
        "source_ticket_id", "target_ticket_id", "kind", name="uq_ticket_links_source_target_kind"
    ),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subject_type", String(40), nullable=False),
    Column("subject_id", Integer),
    Column("ticket_id", ForeignKey("tickets.id"), index=True),
    Column("action", String(64), nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", Integer),
    Column("actor_name", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("changes", json_value(), nullable=False),
    Column("reason", Text),
    Column("public", Boolean, nullable=False),
    Index("ix_audit_events_subject", "subject_type", "subject_id"),
)
