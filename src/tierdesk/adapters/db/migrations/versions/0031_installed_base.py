"""Installed base (issue 21 item 1): sites, the items each organisation runs, its entitlements,
and which installed items a ticket is about.

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("sites", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("organisation_id", "name", name="uq_sites_organisation_name"),
    )
    op.create_table(
        "installed_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("serial_number", sa.String(length=120), nullable=True),
        sa.Column("hardware_model", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), server_default="1", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("installed_items", "organisation_id", "organisations"),
        _fk("installed_items", "site_id", "sites"),
        _fk("installed_items", "product_id", "products"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installed_items")),
        sa.UniqueConstraint("serial_number", name=op.f("uq_installed_items_serial_number")),
    )
    for column in ("organisation_id", "site_id", "product_id"):
        op.create_index(f"ix_installed_items_{column}", "installed_items", [column])
    op.create_table(
        "entitlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("entitlements", "organisation_id", "organisations"),
        _fk("entitlements", "site_id", "sites"),
        _fk("entitlements", "product_id", "products"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlements")),
    )
    op.create_index("ix_entitlements_organisation_id", "entitlements", ["organisation_id"])
    op.create_table(
        "ticket_installed_items",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("installed_item_id", sa.Integer(), nullable=False),
        sa.Column("matched_by", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("ticket_installed_items", "ticket_id", "tickets"),
        _fk("ticket_installed_items", "installed_item_id", "installed_items"),
        sa.PrimaryKeyConstraint(
            "ticket_id", "installed_item_id", name=op.f("pk_ticket_installed_items")
        ),
    )
    op.create_index(
        "ix_ticket_installed_items_installed_item_id",
        "ticket_installed_items",
        ["installed_item_id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_ticket_installed_items_installed_item_id", table_name="ticket_installed_items"
    )
    op.drop_table("ticket_installed_items")
    op.drop_index("ix_entitlements_organisation_id", table_name="entitlements")
    op.drop_table("entitlements")
    for column in ("product_id", "site_id", "organisation_id"):
        op.drop_index(f"ix_installed_items_{column}", table_name="installed_items")
    op.drop_table("installed_items")
    op.drop_table("sites")
