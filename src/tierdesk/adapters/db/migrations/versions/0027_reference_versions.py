"""Reference versions (issue 19): a number per kind of reference data (catalogue, levels,
queues) that triggers raise on every change, so each process may keep those lists in memory
and see another process's change on its next request.

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# A copy of adapters/db/reference_versions.py as it was (a migration does not change with code).
WATCHED_TABLES = {
    "products": "catalog",
    "components": "catalog",
    "versions": "catalog",
    "levels": "levels",
    "queues": "queues",
}


def watch_tables(dialect: str) -> list[str]:
    # Only the constant names above go into these statements.
    statements: list[str] = []
    if dialect == "postgresql":
        statements.append(
            "CREATE OR REPLACE FUNCTION raise_reference_version() RETURNS trigger AS $$ "
            "BEGIN UPDATE reference_versions SET version = version + 1 "
            "WHERE name = TG_ARGV[0]; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
    for table, kind in WATCHED_TABLES.items():
        if dialect == "postgresql":
            statements.append(
                f"CREATE TRIGGER {table}_reference_version AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION raise_reference_version('{kind}')"
            )
            continue
        for change in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_reference_version_{change.lower()} AFTER {change} "  # noqa: S608
                f"ON {table} BEGIN UPDATE reference_versions SET version = version + 1 "
                f"WHERE name = '{kind}'; END"
            )
    return statements


def upgrade() -> None:
    table = op.create_table(
        "reference_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(
        table, [{"name": kind, "version": 1} for kind in sorted(set(WATCHED_TABLES.values()))]
    )
    for statement in watch_tables(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in WATCHED_TABLES:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_reference_version ON {table}")
            continue
        for change in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_reference_version_{change}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS raise_reference_version()")
    op.drop_table("reference_versions")
