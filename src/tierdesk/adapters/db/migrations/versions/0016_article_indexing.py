"""How far a knowledge article's sections are in the search index: a large manual is stored at
once and indexed by a background job, whose progress the KB page and the API show. Articles
ingested before this migration were indexed in full.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_articles") as batch:
        batch.add_column(
            sa.Column("index_state", sa.String(length=16), nullable=False, server_default="done")
        )
        batch.add_column(
            sa.Column("indexed_sections", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("index_error", sa.Text(), nullable=True))
    op.execute("UPDATE knowledge_articles SET indexed_sections = section_count")


def downgrade() -> None:
    with op.batch_alter_table("knowledge_articles") as batch:
        batch.drop_column("index_error")
        batch.drop_column("indexed_sections")
        batch.drop_column("index_state")
