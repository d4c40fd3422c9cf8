"""Join the branches written side by side: SLA and jobs, search, mail, routing, levels.

Revision ID: 0008
Revises: 0003, 0004, 0005, 0006, 0007
"""

from __future__ import annotations

revision = "0008"
down_revision = ("0003", "0004", "0005", "0006", "0007")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # a merge point only: every branch has already made its changes


def downgrade() -> None:
    pass
