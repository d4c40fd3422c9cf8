"""Join the branches written side by side: workflow part 2, understanding, the web workspace.

Revision ID: 0012
Revises: 0009, 0010, 0011
"""

from __future__ import annotations

revision = "0012"
down_revision = ("0009", "0010", "0011")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # a merge point only: every branch has already made its changes


def downgrade() -> None:
    pass
