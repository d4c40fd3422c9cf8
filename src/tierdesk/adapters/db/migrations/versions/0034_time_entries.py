"""Time agents log on tickets (issue 21, time spent): minutes, the day, a note, billable or
not. Time in status is read from the audit trail and needs no table.

Revision ID: 0034
Revises: 0033
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "time_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_time_entries_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_time_entries_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entries")),
    )
    op.create_index("ix_time_entries_ticket_id", "time_entries", ["ticket_id"])
    op.create_index("ix_time_entries_agent_id", "time_entries", ["agent_id"])
    op.create_index("ix_time_entries_work_date", "time_entries", ["work_date"])


def downgrade() -> None:
    op.drop_index("ix_time_entries_work_date", table_name="time_entries")
    op.drop_index("ix_time_entries_agent_id", table_name="time_entries")
    op.drop_index("ix_time_entries_ticket_id", table_name="time_entries")
    op.drop_table("time_entries")
