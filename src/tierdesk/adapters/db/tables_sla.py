"""SLA tables: business calendars, policies per priority x plan, per-level targets, every clock
of every ticket, and the in-desk notifications that warnings and breaches leave for agents."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from tierdesk.adapters.db.tables import json_dict, json_list, metadata
from tierdesk.adapters.db.types import EnumText, TierNumber, UtcDateTime
from tierdesk.domain.sla import BreachAction, ClockKind
from tierdesk.domain.tickets import Priority

business_calendars = Table(
    "business_calendars",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False),
    # {"mon": [["09:00", "18:00"]], …}: readable in the database and in backups
    Column("hours", json_dict(), nullable=False),
    Column("holidays", json_list(), nullable=False),  # ISO dates
    Column("description", Text, nullable=False),
)

sla_policies = Table(
    "sla_policies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("priority", EnumText(Priority), nullable=False),
    Column("plan_id", ForeignKey("support_plans.id"), nullable=False),
    Column("calendar_id", ForeignKey("business_calendars.id"), nullable=False),
    Column("first_response_minutes", Integer, nullable=False),
    Column("next_response_minutes", Integer, nullable=False),
    Column("resolution_minutes", Integer, nullable=False),
    Column("warn_before_minutes", Integer, nullable=False),
    Column("breach_action", EnumText(BreachAction), nullable=False),
    UniqueConstraint("priority", "plan_id", name="uq_sla_policies_priority_plan"),
)

level_targets = Table(
    "level_targets",
    metadata,
    Column("tier", TierNumber, primary_key=True, autoincrement=False),
    Column("pickup_minutes", Integer, nullable=False),
    Column("handoff_minutes", Integer, nullable=False),
    Column("warn_before_minutes", Integer, nullable=False),
    Column("breach_action", EnumText(BreachAction), nullable=False),
    Column("calendar_id", ForeignKey("business_calendars.id")),  # None: the ticket's calendar
)

ticket_deadlines = Table(
    "ticket_deadlines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("kind", EnumText(ClockKind), nullable=False),
    Column("tier", TierNumber),
    Column("policy_id", ForeignKey("sla_policies.id")),
    Column("calendar_id", ForeignKey("business_calendars.id"), nullable=False),
    Column("target_minutes", Integer, nullable=False),
    Column("warn_before_minutes", Integer, nullable=False),
    Column("breach_action", EnumText(BreachAction), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime),
    Column("warn_at", UtcDateTime),
    Column("paused_since", UtcDateTime),
    Column("paused_seconds", Integer, nullable=False),
    Column("met_at", UtcDateTime),
    Column("stopped_at", UtcDateTime),
    Column("warned_at", UtcDateTime),
    Column("breached_at", UtcDateTime),
    # The sweep looks for running clocks by due and warning time.
    Index("ix_ticket_deadlines_due_at", "due_at"),
    Index("ix_ticket_deadlines_warn_at", "warn_at"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agent_id", ForeignKey("agents.id"), nullable=False, index=True),
    Column("ticket_id", ForeignKey("tickets.id"), index=True),
    Column("kind", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("details", json_dict(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime),
)
