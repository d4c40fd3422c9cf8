"""The search index in storage: its tables (the documents every search ranks, their passages
with embedding vectors, and the manuals and KB articles ingested into them). What queries them
lives in ``adapters/search/`` (``store.py``, the ``SearchStore`` with the vector matrix, and
``articles.py``, the ``KnowledgeRepository``), beside the engines' text index.

The text index itself belongs to the engine and is not a SQLAlchemy table: an FTS5 virtual
table (``search_fts``) on SQLite, an expression GIN index over ``to_tsvector`` on PostgreSQL.
Vectors are stored here as packed float32 bytes on SQLite (an in-memory numpy matrix is built
from them) and as pgvector ``vector`` values on PostgreSQL (with an HNSW index per dimension).
``ENGINE_OWNED`` names what the engine creates beside these tables, so that schema comparisons
leave it alone.
"""

from __future__ import annotations

from typing import Any

from pgvector.sqlalchemy import VECTOR
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeEngine

from tierdesk.adapters.db.tables import json_dict, metadata
from tierdesk.adapters.db.types import UtcDateTime


def vector_column_type() -> TypeEngine[Any]:
    return LargeBinary().with_variant(VECTOR(), "postgresql")


knowledge_articles = Table(
    "knowledge_articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("source_name", String(300), nullable=False),  # the file name it came from
    Column("format", String(16), nullable=False),  # markdown, html, pdf, text
    Column("kind", String(16), nullable=False),  # manual or known-issue
    Column("product", String(120)),
    Column("version", String(60)),
    Column("sha256", String(64), nullable=False),
    Column("section_count", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # pending, indexing (indexed_sections of section_count), done, failed (index_error)
    Column("index_state", String(16), nullable=False, server_default="done"),
    Column("indexed_sections", Integer, nullable=False, server_default="0"),
    Column("index_error", Text),
)

search_documents = Table(
    "search_documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(120), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), index=True),
    Column("article_id", ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True),
    # what access checks need, copied from the ticket whenever it changes
    Column("organisation_id", Integer),
    Column("status", String(32)),
    Column("tier", Integer),
    Column("queue", String(80)),
    Column("assignee_id", Integer),
    Column("product", String(120)),
    Column("internal", Boolean, nullable=False),
    Column("citation", json_dict(), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

search_passages = Table(
    "search_passages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("search_documents.id", ondelete="CASCADE"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("model", String(200), nullable=False),  # which embedder made the vector
    Column("dim", Integer, nullable=False),
    Column("embedding", vector_column_type(), nullable=False),
    Index("ix_search_passages_document_id", "document_id"),
    # the vector cache's "anything new?" check (max id, count per model) reads only this index
    Index("ix_search_passages_model_id", "model", "id"),
    # The vector caches read the rows above the highest id they hold: an id must never be
    # handed out twice, which SQLite does without AUTOINCREMENT once the newest rows are
    # deleted (migration 0041; PostgreSQL's sequences never do).
    sqlite_autoincrement=True,
)

# Created by the migration with engine-specific DDL, not from this metadata.
SQLITE_TEXT_INDEX = "search_fts"
ENGINE_OWNED = frozenset(
    {
        SQLITE_TEXT_INDEX,
        *(
            f"{SQLITE_TEXT_INDEX}_{part}"
            for part in ("data", "idx", "content", "docsize", "config")
        ),
        "search_fts_terms",
        "ix_search_documents_tsv",
        # the access checks' covering index, keyed differently per engine (migration 0013)
        "ix_search_documents_access",
    }
)


def is_engine_owned(name: str | None) -> bool:
    """True for the text index and vector indexes the engine manages (HNSW indexes are named
    ``ix_search_passages_hnsw_<dim>``)."""
    return name is not None and (
        name in ENGINE_OWNED or name.startswith("ix_search_passages_hnsw_")
    )
