"""Workflow part 2: known issues, defects (with their tracker mirror), incidents and their
updates, enhancement requests and votes, ticket links to all of them, L3 outcomes.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _when(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "known_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("symptoms", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("affected_versions", _json(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        _fk("known_issues", "product_id", "products"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_issues")),
    )
    _index("known_issues", "product_id")

    op.create_table(
        "defects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("reproduction", _json(), nullable=False),
        sa.Column("severity", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("fixed_in", sa.String(length=64), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("source_ticket_id", sa.Integer(), nullable=True),
        sa.Column("tracker", sa.String(length=32), nullable=True),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("external_url", sa.String(length=500), nullable=True),
        sa.Column("external_state", sa.String(length=32), nullable=True),
        sa.Column("external_labels", _json(), nullable=False),
        sa.Column("external_milestone", sa.String(length=200), nullable=True),
        _when("synced_at", nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        _fk("defects", "product_id", "products"),
        _fk("defects", "source_ticket_id", "tickets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_defects")),
        sa.UniqueConstraint("tracker", "external_id", name="uq_defects_tracker_external_id"),
    )
    _index("defects", "product_id")
    _index("defects", "status")

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        _when("declared_at"),
        sa.Column("declared_by", sa.String(length=200), nullable=False),
        _when("updated_at"),
        _when("resolved_at", nullable=True),
        sa.Column("post_incident_note", sa.Text(), nullable=True),
        _fk("incidents", "product_id", "products"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    _index("incidents", "status")

    op.create_table(
        "incident_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _when("posted_at"),
        sa.Column("posted_by", sa.String(length=200), nullable=False),
        sa.Column("tickets_notified", sa.Integer(), nullable=False),
        _fk("incident_updates", "incident_id", "incidents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_updates")),
    )
    _index("incident_updates", "incident_id")

    op.create_table(
        "enhancements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("shipped_in", sa.String(length=64), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        _fk("enhancements", "product_id", "products"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enhancements")),
    )
    _index("enhancements", "product_id")

    op.create_table(
        "enhancement_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enhancement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _fk("enhancement_votes", "enhancement_id", "enhancements"),
        _fk("enhancement_votes", "organisation_id", "organisations"),
        _fk("enhancement_votes", "ticket_id", "tickets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enhancement_votes")),
        sa.UniqueConstraint(
            "enhancement_id",
            "organisation_id",
            name="uq_enhancement_votes_enhancement_organisation",
        ),
    )

    op.create_table(
        "record_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        _fk("record_links", "ticket_id", "tickets"),
        _fk("record_links", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_links")),
        sa.UniqueConstraint(
            "record_kind", "record_id", "ticket_id", name="uq_record_links_record_ticket"
        ),
    )
    _index("record_links", "ticket_id")

    op.create_table(
        "l3_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        _when("decided_at"),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        _fk("l3_outcomes", "ticket_id", "tickets"),
        _fk("l3_outcomes", "product_id", "products"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_l3_outcomes")),
    )
    _index("l3_outcomes", "ticket_id")
    op.create_index("ix_l3_outcomes_decided_at", "l3_outcomes", ["decided_at"], unique=False)


def downgrade() -> None:
    for table in (
        "l3_outcomes",
        "record_links",
        "enhancement_votes",
        "enhancements",
        "incident_updates",
        "incidents",
        "defects",
        "known_issues",
    ):
        op.drop_table(table)
