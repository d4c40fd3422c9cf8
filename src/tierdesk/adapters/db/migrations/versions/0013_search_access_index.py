"""A covering index for the search's access checks: every column ``filter_clause`` reads, keyed
by document id, so checking a search's candidates reads this small index instead of one random
page of the large search_documents table (title and body inline) per candidate.

SQLite looks a row up by its rowid whenever a query names the id, however wide the row, so
there the index is keyed by the expression ``id + 0`` and the store names it that way
(``adapters/search/store.py``, ``_ids_in``). PostgreSQL keys it by ``id`` with the filter
columns included, for index-only scans.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Kept in step with adapters/search/store.py (``filter_clause``, ``_ids_in``) and
# search.ENGINE_OWNED (adapters/db/search.py).
ACCESS_COLUMNS = (
    "kind, ticket_id, internal, organisation_id, tier, queue, assignee_id, status, product"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_documents_access ON search_documents (id) "
            f"INCLUDE ({ACCESS_COLUMNS})"
        )
    else:
        op.execute(
            "CREATE INDEX ix_search_documents_access ON search_documents "
            f"(id + 0, {ACCESS_COLUMNS})"
        )


def downgrade() -> None:
    op.execute("DROP INDEX ix_search_documents_access")
