"""The public help centre: the published, public KB articles, searchable and readable by anyone
without signing in (when the admin turns it on, ``portal.public_help_centre``). It reads only
the latest published version of public articles; drafts, archived and internal articles and
every ticket stay out, as they do for signed-in customers."""

from __future__ import annotations

from tierdesk.domain.articles import ArticleState, ArticleVersion
from tierdesk.errors import NotFoundError
from tierdesk.services.desk import Desk

MAX_SHOWN = 50


def _public_versions(desk: Desk) -> list[ArticleVersion]:
    with desk.uow() as uow:
        versions = (
            uow.articles.latest_version(a.id)
            for a in uow.articles.find([ArticleState.PUBLISHED])
            if a.id is not None
        )
        return [v for v in versions if v is not None and v.public]


def search_help_centre(desk: Desk, query: str = "") -> list[ArticleVersion]:
    """Public articles whose published text holds every word of the query (all of them, most
    recently changed first, when there is none). A plain word match: a help centre holds tens
    or hundreds of articles, and the search index's filters are made for signed-in readers."""
    words = query.casefold().split()
    found = []
    for version in _public_versions(desk):
        text = " ".join(
            [version.title, version.problem, version.symptoms, version.answer, *version.steps]
        ).casefold()
        if all(word in text for word in words):
            found.append(version)
    return found[:MAX_SHOWN]


def read_help_article(desk: Desk, article_id: int) -> ArticleVersion:
    """The latest published version of a public article; anything else is "not found"."""
    with desk.uow() as uow:
        article = uow.articles.get(article_id)
        version = uow.articles.latest_version(article_id) if article is not None else None
        published = article is not None and article.state is ArticleState.PUBLISHED
        if not published or version is None or not version.public:
            raise NotFoundError(f"KB-{article_id} not found", article=f"KB-{article_id}")
        return version
