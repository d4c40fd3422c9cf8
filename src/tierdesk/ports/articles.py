"""What the authored-article services need from storage."""

from __future__ import annotations

from collections.abc import Iterable
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
    def find(self, states: Iterable[ArticleState] = ()) -> list[Article]:
        """Most recently changed first; no states: every article."""
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
