"""Upgrade advisories (issue 21 item 3): the advisory for a product version, the organisations
it reached with their state, and notices about no ticket in the mail outbox.

``mail_outbox.ticket_id`` becomes nullable and gains ``subject`` and ``body``: an advisory's
notice is written when it is queued and belongs to no ticket. PostgreSQL alters the column;
SQLite cannot drop a NOT NULL with ALTER TABLE, so, as 0019 does for ``contacts.language``, the
table's CREATE statement is rewritten in ``sqlite_master`` (SQLite's documented procedure for
removing a NOT NULL, which changes nothing stored) and checked with ``PRAGMA table_info``.

Revision ID: 0036
Revises: 0035
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

_COLUMN = re.compile(r"(\bticket_id INTEGER)( NOT NULL)?(?=,)")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "advisories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("known_issue_id", sa.Integer(), nullable=True),
        sa.Column("defect_id", sa.Integer(), nullable=True),
        sa.Column("end_of_support", sa.Date(), nullable=True),
        sa.Column("target_version", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        _fk("advisories", "product_id", "products"),
        _fk("advisories", "known_issue_id", "known_issues"),
        _fk("advisories", "defect_id", "defects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisories")),
    )
    for column in ("product_id", "known_issue_id", "defect_id"):
        op.create_index(f"ix_advisories_{column}", "advisories", [column])
    op.create_table(
        "advisory_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisory_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("contacts_notified", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("upgraded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("upgraded_by", sa.String(length=200), nullable=True),
        _fk("advisory_organisations", "advisory_id", "advisories"),
        _fk("advisory_organisations", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisory_organisations")),
        sa.UniqueConstraint("advisory_id", "organisation_id", name="uq_advisory_organisations"),
    )
    op.create_index(
        "ix_advisory_organisations_organisation_id",
        "advisory_organisations",
        ["organisation_id"],
    )
    op.add_column("mail_outbox", sa.Column("subject", sa.String(length=300), nullable=True))
    op.add_column("mail_outbox", sa.Column("body", sa.Text(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_not_null(bind, False)
    else:
        op.alter_column("mail_outbox", "ticket_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    bind = op.get_bind()
    # The older code reads every outbox row as a ticket's mail: notices go.
    bind.execute(sa.text("DELETE FROM mail_outbox WHERE ticket_id IS NULL"))
    if bind.dialect.name == "sqlite":
        _sqlite_not_null(bind, True)
    else:
        op.alter_column("mail_outbox", "ticket_id", existing_type=sa.Integer(), nullable=False)
    op.drop_column("mail_outbox", "body")
    op.drop_column("mail_outbox", "subject")
    op.drop_index("ix_advisory_organisations_organisation_id", "advisory_organisations")
    op.drop_table("advisory_organisations")
    for column in ("product_id", "known_issue_id", "defect_id"):
        op.drop_index(f"ix_advisories_{column}", "advisories")
    op.drop_table("advisories")


def _sqlite_not_null(bind: Connection, not_null: bool) -> None:
    if _not_null(bind) == not_null:
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'mail_outbox'"
    ).scalar_one()
    rewritten, found = _COLUMN.subn(r"\1 NOT NULL" if not_null else r"\1", sql)
    if found != 1:
        raise RuntimeError(f"mail_outbox.ticket_id not found once in {sql!r}")
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.execute(
            sa.text(
                "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'mail_outbox'"
            ),
            {"sql": rewritten},
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    if _not_null(bind) != not_null:
        raise RuntimeError("mail_outbox.ticket_id: the schema rewrite did not take")


def _not_null(bind: Connection) -> bool:
    columns = bind.exec_driver_sql("PRAGMA table_info(mail_outbox)").all()
    return bool(next(c for c in columns if c[1] == "ticket_id")[3])
