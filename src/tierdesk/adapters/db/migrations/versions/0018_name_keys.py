"""Names compare by a stored key: ``name_key`` on organisations, products and automation rules.

The key (``domain.names.name_key``: NFKC, case-folded, whitespace collapsed) is computed in
Python, so "Ölwerk Nord" and "ölwerk nord" are one name on SQLite as on PostgreSQL, and a unique
index on it makes the database say so too. Existing rows get their key here; should two existing
names already share one (allowed before), the later rows' keys carry their id so the index can
be built — their names are left as they were.

Columns are added in place (no table copy: organisations and products are referenced by foreign
keys that SQLite enforces during the migration).

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TABLES = {"organisations": 400, "products": 400, "automation_rules": 240}


def _key(name: str) -> str:
    # A copy of domain.names.name_key as of this revision: migrations do not follow the code.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    for table_name, length in TABLES.items():
        if postgres:
            op.add_column(table_name, sa.Column("name_key", sa.String(length), nullable=True))
        else:  # SQLite adds a NOT NULL column only with a default; every write sets it anyway
            op.add_column(
                table_name,
                sa.Column("name_key", sa.String(length), nullable=False, server_default=""),
            )
        table = sa.table(
            table_name, sa.column("id", sa.Integer), sa.column("name"), sa.column("name_key")
        )
        seen: set[str] = set()
        rows = bind.execute(sa.select(table.c.id, table.c.name).order_by(table.c.id)).all()
        for row_id, name in rows:
            key = _key(name)
            if key in seen:
                key = f"{key} #{row_id}"
            seen.add(key)
            bind.execute(table.update().where(table.c.id == row_id).values(name_key=key))
        if postgres:
            op.alter_column(table_name, "name_key", nullable=False)
        op.create_index(f"uq_{table_name}_name_key", table_name, ["name_key"], unique=True)


def downgrade() -> None:
    for table_name in TABLES:
        op.drop_index(f"uq_{table_name}_name_key", table_name=table_name)
        op.drop_column(table_name, "name_key")
