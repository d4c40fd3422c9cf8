"""A solved ticket carries two texts: ``tickets.public_answer`` joins ``resolution``.

The resolution stays the engineers' text (root cause, what was done); the public answer is what
the customer is told. Tickets solved before keep a NULL answer: customers are shown nothing of
their solution beyond the thread, never the internal text. Adding a nullable column is plain
``ALTER TABLE ... ADD COLUMN`` on SQLite and PostgreSQL alike.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("public_answer", sa.Text(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN on both engines (SQLite 3.35+), as 0018 does: no table rebuild.
    op.drop_column("tickets", "public_answer")
