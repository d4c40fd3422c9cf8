"""Levels as configuration, hand-off packets, restricted diagnostics, escalation state.

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-22 06:32:18.483614
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0002"
branch_labels = None
depends_on = None

BASIC = ["symptoms", "environment", "steps_tried"]
# The levels a new desk starts with; admins change them through /api/v1/levels.
DEFAULT_LEVELS = [
    {
        "tier": 0,
        "name": "Intake",
        "description": "First touch: clarify the request and route it.",
        "takes_from_customers": True,
        "sees_restricted": False,
        "required_packet_fields": [],
    },
    {
        "tier": 1,
        "name": "Support",
        "description": "Solve from product knowledge; escalate with a packet.",
        "takes_from_customers": True,
        "sees_restricted": False,
        "required_packet_fields": ["symptoms"],
    },
    {
        "tier": 2,
        "name": "Senior support",
        "description": "Customer systems, diagnostics and the defect list.",
        "takes_from_customers": True,
        "sees_restricted": True,
        "required_packet_fields": BASIC,
    },
    {
        "tier": 3,
        "name": "Experts",
        "description": "Escalations only: known fix, more information, or defect.",
        "takes_from_customers": False,
        "sees_restricted": True,
        "required_packet_fields": [*BASIC, "hypotheses"],
    },
    {
        "tier": 4,
        "name": "Product development",
        "description": "Fixes what already hurts many customers.",
        "takes_from_customers": False,
        "sees_restricted": True,
        "required_packet_fields": [*BASIC, "hypotheses"],
    },
]


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("takes_from_customers", sa.Boolean(), nullable=False),
        sa.Column("sees_restricted", sa.Boolean(), nullable=False),
        sa.Column("required_packet_fields", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_levels")),
        sa.UniqueConstraint("tier", name=op.f("uq_levels_tier")),
    )
    op.create_table(
        "handoff_packets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("from_tier", sa.Integer(), nullable=False),
        sa.Column("to_tier", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("content", _json(), nullable=False),
        sa.Column("author_kind", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("guidance", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_handoff_packets_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_packets")),
        sa.UniqueConstraint(
            "ticket_id", "sequence", "revision", name="uq_handoff_packets_ticket_sequence_revision"
        ),
    )
    with op.batch_alter_table("handoff_packets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handoff_packets_ticket_id"), ["ticket_id"], unique=False
        )

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("restricted", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_state", sa.String(length=32), nullable=True))

    levels = sa.table(
        "levels",
        sa.column("tier", sa.Integer),
        sa.column("name", sa.String),
        sa.column("description", sa.Text),
        sa.column("takes_from_customers", sa.Boolean),
        sa.column("sees_restricted", sa.Boolean),
        sa.column("required_packet_fields", _json()),
    )
    op.bulk_insert(levels, DEFAULT_LEVELS)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("escalation_state")

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("restricted")

    with op.batch_alter_table("handoff_packets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_packets_ticket_id"))

    op.drop_table("handoff_packets")
    op.drop_table("levels")
