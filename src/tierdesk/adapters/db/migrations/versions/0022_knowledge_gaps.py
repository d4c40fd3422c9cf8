"""Knowing what is missing: ``knowledge_misses`` (customer searches and new tickets that no
passage, known issue or solved ticket answered above the relevance floor) and
``suggestion_reads`` (portal suggestions a customer was shown, tied to the ticket they opened
anyway). Both hold customers' words and are pruned after ``knowledge.gap_retention_days``.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_misses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_knowledge_misses_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_misses")),
    )
    op.create_index("ix_knowledge_misses_last_seen_at", "knowledge_misses", ["last_seen_at"])
    op.create_index("ix_knowledge_misses_contact_id", "knowledge_misses", ["contact_id"])
    op.create_table(
        "suggestion_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_suggestion_reads_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_reads")),
    )
    op.create_index(
        "ix_suggestion_reads_contact_id_shown_at", "suggestion_reads", ["contact_id", "shown_at"]
    )
    op.create_index("ix_suggestion_reads_shown_at", "suggestion_reads", ["shown_at"])


def downgrade() -> None:
    op.drop_table("suggestion_reads")
    op.drop_table("knowledge_misses")
