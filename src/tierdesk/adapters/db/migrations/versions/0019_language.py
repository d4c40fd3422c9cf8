"""A contact's language may be unknown: ``contacts.language`` becomes nullable.

A contact created without a language used to get ``en``; now it states none (NULL) and takes
the language its first ticket is written in. Existing contacts keep the language they have:
one that was only the old default cannot be told from one that was chosen, so none is cleared.

PostgreSQL alters the column. SQLite cannot drop a NOT NULL with ALTER TABLE, and rebuilding
``contacts`` (Alembic's batch mode) is refused while foreign keys are enforced, because tickets,
messages and sessions point at it. SQLite documents a simpler procedure for exactly this case,
removing a NOT NULL constraint, which changes nothing stored in the rows
(https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"):
rewrite the table's CREATE statement in ``sqlite_master`` and bump the schema version. The
rewrite is checked before and after (``PRAGMA table_info``).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_COLUMN = re.compile(r"(\blanguage VARCHAR\(16\))( NOT NULL)?(?=,)")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_not_null(bind, False)
    else:
        op.alter_column("contacts", "language", existing_type=sa.String(16), nullable=True)


def downgrade() -> None:
    bind = op.get_bind()
    # The older code needs a language on every contact: the unknown ones get its old default.
    bind.execute(sa.text("UPDATE contacts SET language = 'en' WHERE language IS NULL"))
    if bind.dialect.name == "sqlite":
        _sqlite_not_null(bind, True)
    else:
        op.alter_column("contacts", "language", existing_type=sa.String(16), nullable=False)


def _sqlite_not_null(bind: Connection, not_null: bool) -> None:
    if _not_null(bind) == not_null:
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'contacts'"
    ).scalar_one()
    rewritten, found = _COLUMN.subn(r"\1 NOT NULL" if not_null else r"\1", sql)
    if found != 1:
        raise RuntimeError(f"contacts.language not found once in {sql!r}")
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.execute(
            sa.text(
                "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'contacts'"
            ),
            {"sql": rewritten},
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    if _not_null(bind) != not_null:
        raise RuntimeError("contacts.language: the schema rewrite did not take")


def _not_null(bind: Connection) -> bool:
    columns = bind.exec_driver_sql("PRAGMA table_info(contacts)").all()
    return bool(next(c for c in columns if c[1] == "language")[3])
