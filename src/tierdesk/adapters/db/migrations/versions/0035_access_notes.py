"""Access notes (issue 21 item 2): ways into customers' systems, their bodies encrypted, and
each organisation's lowest level allowed to reveal them.

Revision ID: 0035
Revises: 0034
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_access_notes_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_access_notes_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_notes")),
    )
    op.create_index("ix_access_notes_organisation_id", "access_notes", ["organisation_id"])
    op.create_table(
        "access_policies",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("min_tier", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_access_policies_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_access_policies")),
    )


def downgrade() -> None:
    op.drop_table("access_policies")
    op.drop_index("ix_access_notes_organisation_id", table_name="access_notes")
    op.drop_table("access_notes")
