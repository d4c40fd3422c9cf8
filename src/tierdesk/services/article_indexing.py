"""Indexing a knowledge article's sections, at once or in the background.

A small manual is indexed with its upload (its sections embedded before the transaction that
stores them, which holds SQLite's writer from its first write). A large one (more sections than
``manuals.index_at_once``) would hold the upload, and with it the database's writer, for as
long as embedding takes (tens of seconds for a few thousand sections with the default model),
so its upload stores the article and its sections (as a JSON file in the file store) and
leaves the rest to the ``knowledge.index_article`` job. The job stores the sections in batches,
each batch in its own transaction with the article's progress, so the sections become
searchable batch by batch, the KB page and the API show "n of m sections", and a job run again
after a lost lease goes on where the last batch left off.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from tierdesk.domain.knowledge import IndexState, KnowledgeArticle, SearchDocument, Section
from tierdesk.ports import UnitOfWork
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS, enqueue
from tierdesk.services.search import require_search

logger = logging.getLogger(__name__)

INDEX_TASK = "knowledge.index_article"
BATCH = 32  # sections a transaction: a few seconds of embedding with the default model
_ERROR_LIMIT = 500  # characters of the reason kept on the article


def article_documents(article: KnowledgeArticle, sections: list[Section]) -> list[SearchDocument]:
    """The article's sections as search documents, keyed ``article:<id>:<section number>``."""
    assert article.id is not None
    return [
        SearchDocument(
            key=f"article:{article.id}:{number}",
            kind=article.kind,
            title=" > ".join(section.path[1:]) or section.title,
            body=section.text,
            article_id=article.id,
            citation={
                "document": article.title,
                "section": section.title,
                "path": " > ".join(section.path),
                "page": section.page,
                "anchor": section.anchor,
                "product": article.product,
                "version": article.version,
            },
        )
        for number, section in enumerate(sections)
    ]


def schedule_indexing(
    desk: Desk, uow: UnitOfWork, article: KnowledgeArticle, sections: list[Section]
) -> None:
    """Keep the sections for the job and enqueue it in the upload's transaction (the job
    exists if and only if the article does)."""
    kept = desk.files.put(
        _sections_json(sections), "application/json", f"{article.source_name}.sections.json"
    )
    enqueue(
        uow,
        INDEX_TASK,
        {"article_id": article.id, "sections": kept.storage_key},
        at=desk.clock.now(),
        key=f"{INDEX_TASK}:{article.id}",
    )


@TASKS.task(INDEX_TASK, max_attempts=3, lease=timedelta(minutes=30))
def index_article(desk: Desk, payload: dict[str, Any]) -> None:
    """Store the article's sections batch by batch, recording progress with each batch."""
    index = require_search(desk)
    article_id = int(payload["article_id"])
    with desk.uow() as uow:
        article = uow.knowledge.get(article_id)
        if article is None or article.index_state is IndexState.DONE:
            return  # removed meanwhile, or finished by an earlier attempt
        indexed = article.indexed_sections
        uow.knowledge.record_indexing(article_id, IndexState.INDEXING, indexed)
        uow.commit()
    try:
        documents = article_documents(article, _sections(desk.files.open(str(payload["sections"]))))
        for start in range(indexed, len(documents), BATCH):
            with desk.uow() as uow:
                if uow.knowledge.get(article_id) is None:
                    return  # removed while being indexed
                index.store(uow, documents[start : start + BATCH])
                indexed = min(start + BATCH, len(documents))
                uow.knowledge.record_indexing(article_id, IndexState.INDEXING, indexed)
                uow.commit()
        with desk.uow() as uow:
            uow.knowledge.record_indexing(article_id, IndexState.DONE, len(documents))
            uow.commit()
    except Exception as exc:  # shown on the KB page; re-raised: the runner retries and logs
        with desk.uow() as uow:
            reason = (str(exc) or type(exc).__name__)[:_ERROR_LIMIT]
            uow.knowledge.record_indexing(article_id, IndexState.FAILED, indexed, reason)
            uow.commit()
        raise
    logger.info("article %s: %s sections indexed", article_id, len(documents))


def _sections_json(sections: list[Section]) -> bytes:
    return json.dumps(
        [{"path": list(s.path), "text": s.text, "page": s.page} for s in sections]
    ).encode()


def _sections(data: bytes) -> list[Section]:
    return [Section(tuple(s["path"]), s["text"], s["page"]) for s in json.loads(data)]
