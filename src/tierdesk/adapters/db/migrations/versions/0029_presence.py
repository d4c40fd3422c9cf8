"""Who is viewing or typing on a ticket (issue 20, live updates): one row per agent and ticket,
refreshed by the ticket page's heartbeat, so every web process sees the same.

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_presence",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_presence_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_ticket_presence_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("ticket_id", "agent_id", name="pk_ticket_presence"),
    )
    op.create_index("ix_ticket_presence_agent_id", "ticket_presence", ["agent_id"])
    op.create_index("ix_ticket_presence_seen_at", "ticket_presence", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_presence_seen_at", table_name="ticket_presence")
    op.drop_index("ix_ticket_presence_agent_id", table_name="ticket_presence")
    op.drop_table("ticket_presence")
