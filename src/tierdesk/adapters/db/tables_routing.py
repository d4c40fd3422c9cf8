"""Tables of queues, routing rules and automation rules, on the shared ``metadata``.

Rule conditions and actions are JSON: they are data an admin edits, parsed and checked by
``domain/rules.py`` on the way in and on the way out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

from tierdesk.adapters.db.tables import json_list, metadata
from tierdesk.adapters.db.types import TierNumber, UtcDateTime


def _json() -> TypeEngine[Any]:
    # Replaced whole on every change (never edited in place), so no mutation tracking.
    return JSON().with_variant(JSONB(), "postgresql")


queues = Table(
    "queues",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(120), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("tier", TierNumber, nullable=False),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("component_id", ForeignKey("components.id")),
    Column("languages", json_list(), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

routing_rules = Table(
    "routing_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("position", Integer, nullable=False),
    Column("conditions", _json(), nullable=False),
    Column("queue_id", ForeignKey("queues.id"), nullable=False, index=True),
    Column("assign", Boolean, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# When routing last gave each agent a ticket: round robin among equals, fair across processes.
agent_assignment_state = Table(
    "agent_assignment_state",
    metadata,
    Column("agent_id", ForeignKey("agents.id"), primary_key=True),
    Column("last_assigned_at", UtcDateTime, nullable=False),
)

automation_rules = Table(
    "automation_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("name_key", String(240), nullable=False),  # domain.names.name_key(name)
    Column("description", Text, nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("events", _json(), nullable=False),
    Column("condition", _json(), nullable=False),
    Column("actions", _json(), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("uq_automation_rules_name_key", "name_key", unique=True),
)

# One row per firing. The unique key is what makes "at most once": ``event:<audit event id>``
# for event rules, ``episode:<n>`` for time rules (closed when the condition stops holding).
rule_firings = Table(
    "rule_firings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", ForeignKey("automation_rules.id"), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("trigger_key", String(64), nullable=False),
    Column("fired_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    UniqueConstraint("rule_id", "ticket_id", "trigger_key", name="uq_rule_firings_rule_ticket_key"),
)
