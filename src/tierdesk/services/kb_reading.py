"""Reading a manual in the workspace: its sections in order, each with its citation."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.knowledge import KnowledgeArticle
from tierdesk.domain.people import Actor
from tierdesk.services.access import require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.knowledge import ARTICLE_KINDS, get_article


@dataclass(frozen=True)
class ArticleSection:
    title: str
    path: str
    page: int | None
    anchor: str
    text: str


def read_article(
    desk: Desk, actor: Actor, article_id: int
) -> tuple[KnowledgeArticle, list[ArticleSection]]:
    require_agent(actor, "read the knowledge base in the workspace")
    article = get_article(desk, actor, article_id)
    with desk.uow() as uow:
        documents = [d for d in uow.search.of_kinds(ARTICLE_KINDS) if d.article_id == article_id]

    def order(key: str) -> int:
        tail = key.rsplit(":", 1)[-1]  # "article:<id>:<section number>"
        return int(tail) if tail.isdigit() else 0

    sections = []
    for document in sorted(documents, key=lambda d: order(d.key)):
        page = document.citation.get("page")
        sections.append(
            ArticleSection(
                title=str(document.citation.get("section") or document.title),
                path=str(document.citation.get("path") or document.title),
                page=page if isinstance(page, int) else None,
                anchor=str(document.citation.get("anchor") or ""),
                text=document.body,
            )
        )
    return article, sections
