"""The audit trail refuses TRUNCATE on PostgreSQL as well.

Row-level triggers (0001) do not fire on TRUNCATE, so ``TRUNCATE audit_events`` emptied the
append-only trail. SQLite has no TRUNCATE: its ``DELETE`` trigger already covers that case.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
               FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
