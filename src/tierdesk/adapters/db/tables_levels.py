"""Tables of the support levels and the hand-off packets that move tickets between them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from tierdesk.adapters.db.tables import json_list, metadata
from tierdesk.adapters.db.types import EnumText, JsonValue, TierNumber, UtcDateTime
from tierdesk.domain.handoff import PacketContent, PacketStatus

levels = Table(
    "levels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tier", TierNumber, nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("takes_from_customers", Boolean, nullable=False),
    Column("sees_restricted", Boolean, nullable=False),
    Column("required_packet_fields", json_list(), nullable=False),
)

handoff_packets = Table(
    "handoff_packets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("sequence", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("from_tier", TierNumber, nullable=False),
    Column("to_tier", TierNumber, nullable=False),
    Column("reason", Text, nullable=False),
    Column("content", JsonValue(PacketContent), nullable=False),
    Column("author_kind", String(16), nullable=False),
    Column("author_id", Integer),
    Column("author_name", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", EnumText(PacketStatus), nullable=False),
    Column("decided_by", String(200)),
    Column("decided_at", UtcDateTime),
    Column("guidance", Text),
    UniqueConstraint(
        "ticket_id", "sequence", "revision", name="uq_handoff_packets_ticket_sequence_revision"
    ),
)
