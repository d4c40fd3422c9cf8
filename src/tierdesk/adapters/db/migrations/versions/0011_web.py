"""The workspace and the portal: saved views, macros, CSAT ratings, deflections, magic links.

Revision ID: 0011
Revises: 0008
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None

# A new desk starts with a few macros agents reach for daily; admins add more in the workspace.
DEFAULT_MACROS = [
    (
        "Ask for version and logs",
        "public",
        "Thank you for the report. To look into this, please send us the exact software "
        "version and the log file covering the time the problem happened.",
    ),
    (
        "Please confirm the fix",
        "public",
        "We believe this is now fixed. Please let us know whether it works for you; if we do "
        "not hear back we will close the ticket in a few days.",
    ),
    (
        "Reproduced in the lab",
        "internal",
        "Reproduced in the lab with the customer's version and configuration. Steps:",
    ),
]


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_saved_views_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
        sa.UniqueConstraint("agent_id", "name", name="uq_saved_views_agent_id_name"),
    )
    macros = op.create_table(
        "macros",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_macros")),
        sa.UniqueConstraint("name", name=op.f("uq_macros_name")),
    )
    op.create_table(
        "csat_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_csat_ratings_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_csat_ratings_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csat_ratings")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_csat_ratings_ticket_id")),
    )
    op.create_table(
        "deflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_deflections_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_deflections_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deflections")),
    )
    op.create_index("ix_deflections_created_at", "deflections", ["created_at"])
    op.create_table(
        "magic_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_magic_links_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_magic_links")),
        sa.UniqueConstraint("digest", name=op.f("uq_magic_links_digest")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        macros,
        [
            {"name": name, "kind": kind, "body": body, "created_at": now}
            for name, kind, body in DEFAULT_MACROS
        ],
    )


def downgrade() -> None:
    op.drop_table("magic_links")
    op.drop_index("ix_deflections_created_at", table_name="deflections")
    op.drop_table("deflections")
    op.drop_table("csat_ratings")
    op.drop_table("macros")
    op.drop_table("saved_views")
