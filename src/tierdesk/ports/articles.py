"""What the authored-article services need from storage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from tierdesk.domain.articles import (
    Article,
    ArticleFeedback,
    ArticleState,
    ArticleVersion,
    FeedbackCounts,
)


class ArticleRepository(Protocol):
    def add(self, article: Article) -> None: ...
    def get(self, article_id: int) -> Article | None: ...
    def find(
        self,
        states: Iterable[ArticleState] = (),
        *,
        after: tuple[datetime, int] | None = None,
        limit: int | None = None,
    ) -> list[Article]:
        """Most recently changed first (then the newest id); no states: every article. After
        ``after`` (an article's updated_at and id), at most ``limit``."""
        ...

    def add_version(self, version: ArticleVersion) -> None: ...
    def versions(self, article_id: int) -> list[ArticleVersion]:
        """Newest first."""
        ...

    def latest_version(self, article_id: int) -> ArticleVersion | None: ...
    def set_feedback(self, feedback: ArticleFeedback) -> None:
        """Record a reader's answer, replacing their earlier one for the article."""
        ...

    def feedback_counts(self, article_id: int) -> FeedbackCounts: ...
