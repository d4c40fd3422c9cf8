"""Known issues in storage: the table, its mapping onto ``KnownIssue`` and the repository."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import json_list, metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.known_issues import KnownIssue, KnownIssueStatus

known_issues = Table(
    "known_issues",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("symptoms", Text, nullable=False),
    Column("root_cause", Text, nullable=False),
    Column("fix", Text, nullable=False),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("affected_versions", json_list(), nullable=False),
    Column("status", EnumText(KnownIssueStatus), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)


def map_known_issues(reg: registry) -> None:
    reg.map_imperatively(KnownIssue, known_issues)


class SqlKnownIssueRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, issue: KnownIssue) -> None:
        self.session.add(issue)

    def get(self, issue_id: int) -> KnownIssue | None:
        return self.session.get(KnownIssue, issue_id)

    def find(
        self, product_id: int | None = None, status: KnownIssueStatus | None = None
    ) -> list[KnownIssue]:
        c = known_issues.c
        query = select(KnownIssue).order_by(c.id)
        if product_id is not None:
            query = query.where(c.product_id == product_id)
        if status is not None:
            query = query.where(c.status == str(status))
        return list(self.session.scalars(query))
