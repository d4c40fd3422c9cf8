"""Queue a reindex of every ticket's search documents (``services/index_upgrades.py``).

0020 moved a solved ticket's internal resolution out of the public search document (the one
customers' suggestions search) into the internal one. Tickets indexed before still hold it in
the public document until they are stored again; this queues the job that does so, so an
upgraded desk needs no manual `tierdesk index rebuild`. Nothing is queued on a desk without a
solved ticket (a fresh install).

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_KEY = "search.reindex_tickets:0021:start"

_jobs = sa.table(
    "jobs",
    sa.column("name", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("key", sa.String),
    sa.column("status", sa.String),
    sa.column("run_at", sa.DateTime(timezone=True)),
    sa.column("attempts", sa.Integer),
    sa.column("max_attempts", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    bind = op.get_bind()
    solved = bind.execute(
        sa.text("SELECT 1 FROM tickets WHERE resolution IS NOT NULL LIMIT 1")
    ).first()
    if solved is None:
        return
    sqlite = bind.dialect.name == "sqlite"

    def stored(at: datetime) -> datetime:
        # The desk stores UTC; SQLite keeps it without a zone (adapters/db/types.py::UtcDateTime).
        return at.replace(tzinfo=None) if sqlite else at

    op.bulk_insert(
        _jobs,
        [
            {
                "name": "search.reindex_tickets",
                "payload": {"run": "0021"},
                "key": _KEY,
                "status": "queued",
                # Due whatever the workers' clock says (a desk may run on a set clock).
                "run_at": stored(datetime(2000, 1, 1, tzinfo=UTC)),
                "attempts": 0,
                "max_attempts": 5,
                "created_at": stored(datetime.now(UTC)),
            }
        ],
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM jobs WHERE key = :key").bindparams(key=_KEY))
