"""Authored KB articles in storage: the working copies, their published versions (written once,
never updated) and the readers' "did this help?" answers, one per reader and article."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import json_list, metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.articles import (
    Article,
    ArticleFeedback,
    ArticleState,
    ArticleVersion,
    Audience,
    FeedbackCounts,
)


def _content_columns() -> list[Column[object]]:
    return [
        Column("title", String(300), nullable=False),
        Column("problem", Text, nullable=False),
        Column("symptoms", Text, nullable=False),
        Column("environment", Text, nullable=False),
        Column("steps", json_list(), nullable=False),
        Column("answer", Text, nullable=False),
        Column("facts", json_list(), nullable=False),
        Column("public", Boolean, nullable=False),
        Column("product_id", ForeignKey("products.id"), index=True),
    ]


articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    *_content_columns(),
    Column("state", EnumText(ArticleState), nullable=False),
    Column("source_ticket_ids", json_list(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)

article_versions = Table(
    "article_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", ForeignKey("articles.id"), nullable=False),
    Column("number", Integer, nullable=False),
    *_content_columns(),
    Column("published_at", UtcDateTime, nullable=False),
    Column("published_by", String(200), nullable=False),
    UniqueConstraint("article_id", "number", name="uq_article_versions_number"),
)

article_feedback = Table(
    "article_feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", ForeignKey("articles.id"), nullable=False),
    Column("voter", String(80), nullable=False),  # "agent:3", "contact:12"
    Column("audience", EnumText(Audience), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("article_id", "voter", name="uq_article_feedback_voter"),
)


def map_articles(reg: registry) -> None:
    reg.map_imperatively(Article, articles)
    reg.map_imperatively(ArticleVersion, article_versions)


class SqlArticleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, article: Article) -> None:
        self.session.add(article)

    def get(self, article_id: int) -> Article | None:
        return self.session.get(Article, article_id)

    def find(
        self,
        states: Iterable[ArticleState] = (),
        *,
        after: tuple[datetime, int] | None = None,
        limit: int | None = None,
    ) -> list[Article]:
        query = select(Article).order_by(articles.c.updated_at.desc(), articles.c.id.desc())
        wanted = [str(s) for s in states]
        if wanted:
            query = query.where(articles.c.state.in_(wanted))
        if after is not None:
            changed, last_id = after
            query = query.where(
                or_(
                    articles.c.updated_at < changed,
                    and_(articles.c.updated_at == changed, articles.c.id < last_id),
                )
            )
        return list(self.session.scalars(query.limit(limit)))

    def add_version(self, version: ArticleVersion) -> None:
        self.session.add(version)

    def versions(self, article_id: int) -> list[ArticleVersion]:
        c = article_versions.c
        query = select(ArticleVersion).where(c.article_id == article_id).order_by(c.number.desc())
        return list(self.session.scalars(query))

    def latest_version(self, article_id: int) -> ArticleVersion | None:
        found = self.versions(article_id)
        return found[0] if found else None

    def set_feedback(self, feedback: ArticleFeedback) -> None:
        # A reader's later answer replaces the earlier one: delete and insert in the same
        # transaction (the unique constraint keeps two concurrent answers from both landing).
        c = article_feedback.c
        self.session.execute(
            delete(article_feedback).where(
                c.article_id == feedback.article_id, c.voter == feedback.voter
            )
        )
        self.session.execute(
            insert(article_feedback).values(
                article_id=feedback.article_id,
                voter=feedback.voter,
                audience=feedback.audience,
                helpful=feedback.helpful,
                created_at=feedback.created_at,
            )
        )

    def feedback_counts(self, article_id: int) -> FeedbackCounts:
        c = article_feedback.c
        rows = self.session.execute(
            select(c.audience, c.helpful, func.count())
            .where(c.article_id == article_id)
            .group_by(c.audience, c.helpful)
        )
        counts = {(Audience(a), bool(h)): int(n) for a, h, n in rows}
        return FeedbackCounts(
            agents_helped=counts.get((Audience.AGENT, True), 0),
            agents_not=counts.get((Audience.AGENT, False), 0),
            customers_helped=counts.get((Audience.CUSTOMER, True), 0),
            customers_not=counts.get((Audience.CUSTOMER, False), 0),
        )
