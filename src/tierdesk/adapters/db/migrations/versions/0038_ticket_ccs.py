"""A ticket's CCs (issue 20 item 1): addresses on the customer's side copied on its public
replies, a JSON list like its followers; tickets before it copy nobody.

Revision ID: 0038
Revises: 0037
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Plain ADD and DROP COLUMN on both engines, as 0020 does: a batch rebuild of ``tickets`` on
# SQLite would drop a table that every other table refers to. NOT NULL is fine with a default.
def upgrade() -> None:
    op.add_column("tickets", sa.Column("ccs", _json(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.drop_column("tickets", "ccs")
