"""Routing's and the SLA clocks' configuration versioned like the catalogue (issue 19): triggers
on the routing rules, the support plans, the SLA policies, the level targets and the business
calendars raise a number per kind in ``reference_versions`` (migration 0027), so each process
may keep them in memory and see another process's change on its next transaction.

Revision ID: 0039
Revises: 0038
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

# A copy of adapters/db/reference_versions.py as it was (a migration does not change with code).
WATCHED_TABLES = {
    "routing_rules": "routing",
    "support_plans": "plans",
    "sla_policies": "sla",
    "level_targets": "sla",
    "business_calendars": "sla",
}


def watch_tables(dialect: str) -> list[str]:
    # Only the constant names above go into these statements; on PostgreSQL the function
    # raise_reference_version() is 0027's.
    statements: list[str] = []
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
    versions = sa.table("reference_versions", sa.column("name"), sa.column("version"))
    op.bulk_insert(
        versions, [{"name": kind, "version": 1} for kind in sorted(set(WATCHED_TABLES.values()))]
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
    kinds = ", ".join(f"'{kind}'" for kind in sorted(set(WATCHED_TABLES.values())))
    op.execute(f"DELETE FROM reference_versions WHERE name IN ({kinds})")  # noqa: S608
