"""Search: knowledge articles, search documents and their passages with vectors, and the
engine's text index (FTS5 on SQLite; a GIN index over to_tsvector plus pgvector and an HNSW
index for the default 512-dimensional model on PostgreSQL).

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-22 07:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import VECTOR
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

# Kept in step with adapters/search: the text expression the GIN index covers and queries use.
TSVECTOR_EXPRESSION = (
    "(setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B'))"
)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("source_name", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("product", sa.String(length=120), nullable=True),
        sa.Column("version", sa.String(length=60), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("section_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
    )
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("queue", sa.String(length=80), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=120), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("citation", _json(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_search_documents_article_id_knowledge_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_search_documents_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("key", name=op.f("uq_search_documents_key")),
    )
    op.create_index(
        op.f("ix_search_documents_article_id"), "search_documents", ["article_id"], unique=False
    )
    op.create_index(
        op.f("ix_search_documents_ticket_id"), "search_documents", ["ticket_id"], unique=False
    )
    op.create_table(
        "search_passages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column(
            "embedding", sa.LargeBinary().with_variant(VECTOR(), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["search_documents.id"],
            name=op.f("fk_search_passages_document_id_search_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_passages")),
    )
    op.create_index(
        "ix_search_passages_document_id", "search_passages", ["document_id"], unique=False
    )
    op.create_index("ix_search_passages_model_id", "search_passages", ["model", "id"], unique=False)
    if postgres:
        op.execute(
            f"CREATE INDEX ix_search_documents_tsv ON search_documents "
            f"USING gin ({TSVECTOR_EXPRESSION})"
        )
        op.execute(
            "CREATE INDEX ix_search_passages_hnsw_512 ON search_passages USING hnsw "
            "((embedding::vector(512)) vector_cosine_ops) WHERE dim = 512"
        )
    else:
        # rowid = search_documents.id; porter stems English, unicode61 folds accents.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        op.execute("CREATE VIRTUAL TABLE search_fts_terms USING fts5vocab(search_fts, 'row')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts_terms")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_passages")
    op.drop_table("search_documents")
    op.drop_table("knowledge_articles")
