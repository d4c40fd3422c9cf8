"""Search passages numbered with AUTOINCREMENT on SQLite (issue 19): without it SQLite gives a
new row the id after the highest one left, so removing the newest document (an article
deleted, a manual replaced by its next version) handed its passages' ids to the next
document's, and every process's vector cache, which reads the rows above the highest id it
holds, kept the removed vectors under those ids or never read the new ones. PostgreSQL's
sequences never hand an id out twice: nothing to do there.

SQLite cannot add AUTOINCREMENT to a table: the table is rebuilt (Alembic's batch mode copies
its rows, ids kept, and creates its indexes again; it has no triggers). On a large desk this
copies every passage once, ~2 KB each.

Revision ID: 0041
Revises: 0040
"""

from __future__ import annotations

import warnings

from alembic import op
from sqlalchemy.exc import SAWarning

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with warnings.catch_warnings():
        # reflecting search_documents (the passages' foreign key) meets its expression index
        # (migration 0013), which the copy does not need: not worth a warning on every upgrade
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        with op.batch_alter_table(
            "search_passages",
            recreate="always",
            table_kwargs={"sqlite_autoincrement": autoincrement},
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
