"""Answers capped per support plan (issue 17): the most the answerer may do on a plan's
tickets; "send" (the default) caps nothing, so existing plans keep what their queues say.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, not batch mode: on SQLite a batch copies the table, which organisations'
# foreign keys refuse; both engines add a NOT NULL column with a default and drop one in place.


def upgrade() -> None:
    op.add_column(
        "support_plans",
        sa.Column("answers", sa.String(length=16), nullable=False, server_default="send"),
    )


def downgrade() -> None:
    op.drop_column("support_plans", "answers")
