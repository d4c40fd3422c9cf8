"""Authored KB articles: ``articles`` (the working copy agents edit), ``article_versions`` (each
publish, written once) and ``article_feedback`` (one "did this help?" per reader and article).

Plain tables on both engines; JSON lists as the other nouns store them (JSONB on PostgreSQL).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _when(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _content(table: str) -> list[Any]:
    return [
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("symptoms", sa.Text(), nullable=False),
        sa.Column("environment", sa.Text(), nullable=False),
        sa.Column("steps", _json(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("facts", _json(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        _fk(table, "product_id", "products"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        *_content("articles"),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("source_ticket_ids", _json(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("created_by", sa.String(length=200), nullable=False),
    )
    op.create_index(op.f("ix_articles_product_id"), "articles", ["product_id"], unique=False)
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        *_content("article_versions"),
        _when("published_at"),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        _fk("article_versions", "article_id", "articles"),
        sa.UniqueConstraint("article_id", "number", name="uq_article_versions_number"),
    )
    op.create_index(
        op.f("ix_article_versions_product_id"), "article_versions", ["product_id"], unique=False
    )
    op.create_table(
        "article_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=80), nullable=False),
        sa.Column("audience", sa.String(length=32), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        _when("created_at"),
        _fk("article_feedback", "article_id", "articles"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_feedback")),
        sa.UniqueConstraint("article_id", "voter", name="uq_article_feedback_voter"),
    )


def downgrade() -> None:
    op.drop_table("article_feedback")
    op.drop_index(op.f("ix_article_versions_product_id"), table_name="article_versions")
    op.drop_table("article_versions")
    op.drop_index(op.f("ix_articles_product_id"), table_name="articles")
    op.drop_table("articles")
