"""Macro actions (issue 20): the field changes a macro makes with its text, as JSON.

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("macros", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actions", _json(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("macros", schema=None) as batch_op:
        batch_op.drop_column("actions")
