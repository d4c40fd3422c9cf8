"""An index on tickets.created_at (issue 19): each new ticket's outage check reads the tickets
opened in its window, and the answer and dashboard figures read a period's tickets; without it
every one of those reads scanned the whole tickets table.

Revision ID: 0040
Revises: 0039
"""

from __future__ import annotations

from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tickets_created_at", "tickets", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_created_at", table_name="tickets")
