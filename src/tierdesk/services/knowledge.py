"""Manuals and KB articles: ingest them section by section, list them, and search them with
citations (document, section, page) — "what does the manual say?"."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tierdesk.domain.audit import audit_event
from tierdesk.domain.knowledge import (
    KNOWLEDGE_KINDS,
    DocumentKind,
    IndexState,
    KnowledgeArticle,
    ParsedDocument,
    readable_passage,
)
from tierdesk.domain.people import Actor
from tierdesk.errors import InvalidInputError, NotFoundError
from tierdesk.services.access import access_ticket, require_agent
from tierdesk.services.article_indexing import article_documents, schedule_indexing
from tierdesk.services.desk import Desk
from tierdesk.services.search import (
    SimilarTickets,
    query_text,
    require_search,
    search_filter,
    similar_tickets,
)

ARTICLE_KINDS = (DocumentKind.MANUAL, DocumentKind.KNOWN_ISSUE)
# The assist panel's passages: manuals and the authored articles (known issues are apart).
PASSAGE_KINDS = (DocumentKind.MANUAL, DocumentKind.ARTICLE, DocumentKind.ARTICLE_INTERNAL)


@dataclass(frozen=True)
class Ingested:
    article: KnowledgeArticle
    created: bool  # False: the same file was ingested before for this product and version


@dataclass(frozen=True)
class KnowledgeHit:
    """A passage that answers a question, and where it is written."""

    article_id: int | None
    kind: DocumentKind
    document: str
    section: str
    section_path: list[str]
    page: int | None
    anchor: str
    product: str | None
    version: str | None
    passage: str
    score: float
    why: str
    key: str = ""  # the search document's stable key ("article:3:7", "known-issue-record:2")
    confidence: float = 1.0  # calibrated P(right), ``assist.confidence``
    written_id: int | None = None  # an authored article's id (services/articles.py)


def add_article(
    desk: Desk,
    actor: Actor,
    parsed: ParsedDocument,
    source_name: str,
    *,
    product: str | None = None,
    version: str | None = None,
    kind: DocumentKind = DocumentKind.MANUAL,
    index_at_once: int | None = None,
) -> Ingested:
    """Store an article and index its sections. With ``index_at_once``, an article with more
    sections than that is indexed by a background job (``article_indexing``) and comes back
    ``pending``; without, everything is indexed now (the CLI, the demo)."""
    require_agent(actor, "add knowledge articles")
    index = require_search(desk)
    if kind not in ARTICLE_KINDS:
        raise InvalidInputError(f"an article is a manual or a known issue, not {kind}")
    if not parsed.sections:
        raise InvalidInputError(f"{source_name}: no sections to index")
    later = index_at_once is not None and len(parsed.sections) > index_at_once
    with desk.uow() as uow:
        found = uow.knowledge.find(parsed.sha256, product, version)
    if found is not None:
        return Ingested(found, created=False)
    now = desk.clock.now()
    article = KnowledgeArticle(
        title=parsed.title[:300],
        source_name=source_name[:300],
        format=parsed.format,
        sha256=parsed.sha256,
        kind=kind,
        section_count=len(parsed.sections),
        created_at=now,
        product=product,
        version=version,
        index_state=IndexState.PENDING if later else IndexState.DONE,
        indexed_sections=0 if later else len(parsed.sections),
    )
    # Embedded before the transaction that stores the article: on SQLite a transaction holds
    # the one writer from its first write, and embedding up to ``index_at_once`` sections
    # takes seconds in which no ticket could be opened or answered. (The documents' keys name
    # the article's id, which only its insert gives; their passages' texts do not.)
    embedded = (
        {}
        if later
        else index.embed_passages(article_documents(replace(article, id=0), parsed.sections))
    )
    with desk.uow() as uow:
        found = uow.knowledge.find(parsed.sha256, product, version)
        if found is not None:  # the same file, stored meanwhile
            return Ingested(found, created=False)
        uow.knowledge.add(article)
        assert article.id is not None
        if later:
            schedule_indexing(desk, uow, article, parsed.sections)
        else:
            index.store(uow, article_documents(article, parsed.sections), embedded=embedded)
        uow.audit.add(
            audit_event(
                "knowledge_article",
                "article.added",
                actor,
                now,
                subject_id=article.id,
                changes={
                    "title": article.title,
                    "sections": article.section_count,
                    "kind": str(kind),
                },
            )
        )
        uow.commit()
        return Ingested(article, created=True)


def list_articles(desk: Desk, actor: Actor, product: str | None = None) -> list[KnowledgeArticle]:
    with desk.uow() as uow:
        return uow.knowledge.all(product)


def get_article(desk: Desk, actor: Actor, article_id: int) -> KnowledgeArticle:
    with desk.uow() as uow:
        article = uow.knowledge.get(article_id)
    if article is None:
        raise NotFoundError(f"article {article_id} not found", article=article_id)
    return article


def remove_article(desk: Desk, actor: Actor, article_id: int) -> None:
    require_agent(actor, "remove knowledge articles")
    with desk.uow() as uow:
        article = uow.knowledge.get(article_id)
        if article is None:
            raise NotFoundError(f"article {article_id} not found", article=article_id)
        uow.search.remove_article(article_id)
        uow.knowledge.remove(article_id)
        uow.audit.add(
            audit_event(
                "knowledge_article",
                "article.removed",
                actor,
                desk.clock.now(),
                subject_id=article_id,
                changes={"title": article.title},
            )
        )
        uow.commit()


def search_knowledge(
    desk: Desk,
    actor: Actor,
    query: str,
    *,
    limit: int = 10,
    product: str | None = None,
    kinds: tuple[DocumentKind, ...] = KNOWLEDGE_KINDS,
) -> list[KnowledgeHit]:
    """Passages of manuals, known issues and authored articles for a question, best first,
    each with its citation. Customers may search them too (they hold no customer's text),
    but never an article that is not public (``search_filter``)."""
    index = require_search(desk)
    if limit < 1 or limit > 100:
        raise InvalidInputError("limit must be between 1 and 100", field="limit")
    with desk.uow() as uow:
        where = search_filter(actor, kinds, product=product)
        found = index.search(uow, query, where, limit)
        documents = uow.search.documents([s.document_id for s in found])
    hits = []
    for scored in found:
        document = documents.get(scored.document_id)
        if document is None:
            continue
        passage = readable_passage(document.title, document.body, scored.passage, query)
        if not passage:
            continue  # a heading with nothing under it: there is nothing to read
        cite = document.citation
        page = cite.get("page")
        hits.append(
            KnowledgeHit(
                article_id=document.article_id,
                kind=document.kind,
                document=str(cite.get("document") or ""),
                section=str(cite.get("section") or document.title),
                section_path=str(cite.get("path") or document.title).split(" > "),
                page=page if isinstance(page, int) else None,
                anchor=str(cite.get("anchor") or ""),
                product=_text_or_none(cite.get("product")),
                version=_text_or_none(cite.get("version")),
                passage=passage,
                score=round(scored.score, 4),
                why=scored.why,
                key=document.key,
                confidence=scored.confidence,
                written_id=_int_or_none(cite.get("article")),
            )
        )
    return hits


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Suggestions:
    """Everything the assist panel shows for one ticket, each item with a score and why."""

    passages: list[KnowledgeHit]
    known_issues: list[KnowledgeHit]
    similar: SimilarTickets


def suggestions_for_ticket(
    desk: Desk, actor: Actor, reference: int | str, limit: int = 5
) -> Suggestions:
    """Manual passages, known issues and similar tickets for a ticket. A ticket about a
    product gets passages of that product's manuals only, and none when the desk holds no
    manual for it (another product's manual would be "the best of nothing"); a ticket
    without a product is searched against every manual. Authored articles are searched for
    every ticket. Every hit has passed the confidence floor."""
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        text = query_text(actor, ticket)
        product = uow.products.get(ticket.product_id) if ticket.product_id is not None else None
        without_manual = product is not None and not uow.knowledge.all(product.name)
    similar = similar_tickets(desk, actor, reference, limit)
    # Authored articles are not manuals: they are searched whatever the ticket's product.
    kinds = tuple(k for k in PASSAGE_KINDS if not (without_manual and k is DocumentKind.MANUAL))
    passages = search_knowledge(
        desk,
        actor,
        text,
        limit=limit,
        product=product.name if product is not None else None,
        kinds=kinds,
    )
    known = search_knowledge(desk, actor, text, limit=limit, kinds=(DocumentKind.KNOWN_ISSUE,))
    return Suggestions(passages, known, similar)
