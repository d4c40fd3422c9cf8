"""Manuals and KB articles: the ingested documents whose sections the search index holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables_search import knowledge_articles as _a
from tierdesk.domain.knowledge import DocumentKind, IndexState, KnowledgeArticle


def _article(row: Any) -> KnowledgeArticle:
    return KnowledgeArticle(
        title=row["title"],
        source_name=row["source_name"],
        format=row["format"],
        kind=DocumentKind(row["kind"]),
        sha256=row["sha256"],
        section_count=row["section_count"],
        created_at=row["created_at"],
        product=row["product"],
        version=row["version"],
        id=row["id"],
        index_state=IndexState(row["index_state"]),
        indexed_sections=row["indexed_sections"],
        index_error=row["index_error"],
    )


class SqlKnowledgeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, article: KnowledgeArticle) -> None:
        article.id = int(
            self._session.execute(
                insert(_a)
                .values(
                    title=article.title,
                    source_name=article.source_name,
                    format=article.format,
                    kind=str(article.kind),
                    product=article.product,
                    version=article.version,
                    sha256=article.sha256,
                    section_count=article.section_count,
                    created_at=article.created_at,
                    index_state=str(article.index_state),
                    indexed_sections=article.indexed_sections,
                    index_error=article.index_error,
                )
                .returning(_a.c.id)
            ).scalar_one()
        )

    def get(self, article_id: int) -> KnowledgeArticle | None:
        row = self._session.execute(select(_a).where(_a.c.id == article_id)).mappings().first()
        return _article(row) if row is not None else None

    def find(
        self, sha256: str, product: str | None, version: str | None
    ) -> KnowledgeArticle | None:
        """The same file already ingested for the same product and version."""
        row = (
            self._session.execute(
                select(_a).where(
                    _a.c.sha256 == sha256,
                    _a.c.product.is_(None) if product is None else _a.c.product == product,
                    _a.c.version.is_(None) if version is None else _a.c.version == version,
                )
            )
            .mappings()
            .first()
        )
        return _article(row) if row is not None else None

    def all(self, product: str | None = None) -> list[KnowledgeArticle]:
        query = select(_a).order_by(_a.c.id)
        if product is not None:
            query = query.where(_a.c.product == product)
        return [_article(r) for r in self._session.execute(query).mappings()]

    def record_indexing(
        self, article_id: int, state: IndexState, indexed: int, error: str | None = None
    ) -> None:
        self._session.execute(
            update(_a)
            .where(_a.c.id == article_id)
            .values(index_state=str(state), indexed_sections=indexed, index_error=error)
        )

    def remove(self, article_id: int) -> None:
        self._session.execute(delete(_a).where(_a.c.id == article_id))
