"""Hardware replacements (issue 21 item 4): one RMA per faulty installed unit, on a ticket.

Revision ID: 0037
Revises: 0036
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_rmas_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "rmas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("installed_item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("fault", sa.Text(), nullable=False),
        sa.Column("serial_number", sa.String(length=120), nullable=False),
        sa.Column("ship_to", sa.Text(), nullable=False),
        sa.Column("declared_value_minor", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("needs_lead", sa.Boolean(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("engineer_id", sa.Integer(), nullable=True),
        sa.Column("engineer_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("lead_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replacement_serial", sa.String(length=120), nullable=True),
        sa.Column("tracking_reference", sa.String(length=200), nullable=True),
        sa.Column("replacement_item_id", sa.Integer(), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("ticket_id", "tickets"),
        _fk("organisation_id", "organisations"),
        _fk("installed_item_id", "installed_items"),
        _fk("requested_by_id", "agents"),
        _fk("engineer_id", "agents"),
        _fk("lead_id", "agents"),
        _fk("replacement_item_id", "installed_items"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rmas")),
    )
    for column in ("ticket_id", "organisation_id", "installed_item_id", "state"):
        op.create_index(f"ix_rmas_{column}", "rmas", [column])


def downgrade() -> None:
    for column in ("ticket_id", "organisation_id", "installed_item_id", "state"):
        op.drop_index(f"ix_rmas_{column}", table_name="rmas")
    op.drop_table("rmas")
