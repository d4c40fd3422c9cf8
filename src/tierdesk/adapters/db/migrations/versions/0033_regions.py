"""Follow-the-sun regions (issue 21): regions with their working hours and the region taking
over, the agents of each, and the shift-end hand-overs between them.

Revision ID: 0033
Revises: 0032
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("hours", sa.String(length=500), nullable=False),
        sa.Column("hands_to_id", sa.Integer(), nullable=True),
        sa.Column("handed_over_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("regions", "hands_to_id", "regions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        sa.UniqueConstraint("name", name=op.f("uq_regions_name")),
    )
    op.create_table(
        "region_members",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        _fk("region_members", "agent_id", "agents"),
        _fk("region_members", "region_id", "regions"),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_region_members")),
    )
    op.create_index("ix_region_members_region_id", "region_members", ["region_id"])
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("from_region_id", sa.Integer(), nullable=False),
        sa.Column("to_region_id", sa.Integer(), nullable=False),
        sa.Column("from_agent_id", sa.Integer(), nullable=False),
        sa.Column("shift_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_by", sa.String(length=200), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        _fk("handovers", "ticket_id", "tickets"),
        _fk("handovers", "from_region_id", "regions"),
        _fk("handovers", "to_region_id", "regions"),
        _fk("handovers", "from_agent_id", "agents"),
        _fk("handovers", "accepted_by_id", "agents"),
        _fk("handovers", "assignee_id", "agents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
        sa.UniqueConstraint("ticket_id", "shift_end", name="uq_handovers_ticket_shift_end"),
    )
    op.create_index("ix_handovers_ticket_id", "handovers", ["ticket_id"])
    op.create_index("ix_handovers_to_region_id", "handovers", ["to_region_id"])


def downgrade() -> None:
    op.drop_index("ix_handovers_to_region_id", table_name="handovers")
    op.drop_index("ix_handovers_ticket_id", table_name="handovers")
    op.drop_table("handovers")
    op.drop_index("ix_region_members_region_id", table_name="region_members")
    op.drop_table("region_members")
    op.drop_table("regions")
