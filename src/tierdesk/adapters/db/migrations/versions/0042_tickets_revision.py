"""A revision number on tickets: every change of a ticket's row checks and raises it, so of two
people changing one ticket at the same moment (solving it while another sets it pending, both
accepting its escalation) the second is told the ticket changed, instead of both being answered
200 over a state neither saw (issue 19's attack: "nothing acknowledged may be lost").

Revision ID: 0042
Revises: 0041
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


# Plain ADD and DROP COLUMN on both engines, as 0020 and 0024 do (no batch rebuild of tickets).
def upgrade() -> None:
    op.add_column(
        "tickets", sa.Column("revision", sa.Integer(), nullable=False, server_default="1")
    )


def downgrade() -> None:
    op.drop_column("tickets", "revision")
