"""/api/v1 retrieval: similar tickets, per-ticket suggestions, manual search with citations, and
the knowledge articles (list, get, upload, remove)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile, status
from pydantic import BaseModel, Field

from tierdesk.domain.knowledge import DocumentKind, KnowledgeArticle
from tierdesk.domain.people import Actor
from tierdesk.domain.visibility import SolutionView, visible_resolution
from tierdesk.entrypoints.web.api.tickets import TicketRef
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.manuals import ingest_upload
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate, paginate_fetched
from tierdesk.services import knowledge, knowledge_gaps
from tierdesk.services import search as search_services

router = APIRouter(tags=["assist"])


class SolutionLinkOut(BaseModel):
    kind: str
    ticket: str


class SolutionMessageOut(BaseModel):
    author: str
    kind: str
    created_at: datetime
    text: str

    @classmethod
    def of_thread(cls, solution: SolutionView | None) -> list[SolutionMessageOut]:
        return [
            cls(author=m.author_name, kind=str(m.kind), created_at=m.created_at, text=m.body_text)
            for m in (solution.thread if solution is not None else ())
        ]


class SolutionOut(BaseModel):
    """A solved ticket's solution, as every agent may read it (whatever level solved it)."""

    number: str
    subject: str
    status: str
    solved_at: str = Field(description='The level that solved it ("L2")')
    openable: bool = Field(description="The reader may open the ticket itself")
    resolution: str | None
    records: list[str] = Field(description='Known issues and defects it is linked to ("KI-3")')
    thread: list[SolutionMessageOut] = Field(description="Its public thread")
    score: float
    why: str
    confidence: float = Field(
        default=1.0,
        description="How likely this result is to be right (0..1), calibrated on development "
        "questions; results below the desk's floor (search.min_confidence) are not returned",
    )

    @classmethod
    def of(cls, found: search_services.FoundTicket) -> SolutionOut:
        solution = found.solution
        assert solution is not None  # search_solutions returns nothing else
        return cls(
            number=solution.number,
            subject=solution.subject,
            status=solution.status,
            solved_at=solution.solved_at.label,
            openable=solution.openable,
            resolution=solution.resolution,
            records=list(solution.records),
            thread=SolutionMessageOut.of_thread(solution),
            score=found.score,
            why=found.why,
            confidence=found.confidence,
        )


class SimilarTicketOut(BaseModel):
    number: str
    subject: str
    status: str
    resolution: str | None = Field(description="for colleagues: agents only")
    public_answer: str | None = Field(description="what the customer was told it was solved by")
    score: float
    why: str
    links: list[SolutionLinkOut]
    solved_at: str | None = Field(
        default=None, description='The level that solved it ("L2"); agents only'
    )
    openable: bool = Field(
        default=True,
        description="The reader may open the ticket itself; when false only its solution "
        "(this result) is theirs to read",
    )
    records: list[str] = Field(
        default=[], description='Known issues and defects it is linked to ("KI-3"); agents only'
    )
    thread: list[SolutionMessageOut] = Field(
        default=[], description="A solved ticket's public thread; agents only"
    )
    confidence: float = Field(
        default=1.0,
        description="How likely this result is to be right (0..1), calibrated on development "
        "questions; results below the desk's floor (search.min_confidence) are not returned",
    )

    @classmethod
    def of(cls, similar: search_services.SimilarTicket, reader: Actor) -> SimilarTicketOut:
        solution = similar.solution
        ticket = similar.ticket
        return cls(
            number=similar.number,
            subject=similar.subject,
            status=similar.status,
            resolution=(
                solution.resolution
                if solution is not None
                else visible_resolution(reader, ticket)
                if ticket is not None
                else None
            ),
            public_answer=(
                solution.public_answer
                if solution is not None
                else ticket.public_answer
                if ticket is not None
                else None
            ),
            score=similar.score,
            why=similar.why,
            links=[SolutionLinkOut(kind=k, ticket=n) for k, n in similar.links],
            solved_at=solution.solved_at.label if solution is not None else None,
            openable=similar.openable,
            records=list(solution.records) if solution is not None else [],
            thread=SolutionMessageOut.of_thread(solution),
            confidence=similar.confidence,
        )


class SimilarOut(BaseModel):
    solved: list[SimilarTicketOut]
    open: list[SimilarTicketOut]

    @classmethod
    def of(cls, found: search_services.SimilarTickets, reader: Actor) -> SimilarOut:
        return cls(
            solved=[SimilarTicketOut.of(s, reader) for s in found.solved],
            open=[SimilarTicketOut.of(s, reader) for s in found.open],
        )


class CitationOut(BaseModel):
    article_id: int | None
    written_article_id: int | None = None  # an authored article (/api/v1/articles/{id})
    document: str
    section: str
    section_path: list[str]
    page: int | None
    anchor: str
    product: str | None
    version: str | None


class PassageOut(BaseModel):
    kind: str
    passage: str
    score: float
    why: str
    citation: CitationOut
    confidence: float = Field(
        default=1.0,
        description="How likely this result is to be right (0..1), calibrated on development "
        "questions; results below the desk's floor (search.min_confidence) are not returned",
    )

    @classmethod
    def of(cls, hit: knowledge.KnowledgeHit) -> PassageOut:
        return cls(
            kind=str(hit.kind),
            passage=hit.passage,
            score=hit.score,
            why=hit.why,
            citation=CitationOut(
                article_id=hit.article_id,
                written_article_id=hit.written_id,
                document=hit.document,
                section=hit.section,
                section_path=hit.section_path,
                page=hit.page,
                anchor=hit.anchor,
                product=hit.product,
                version=hit.version,
            ),
            confidence=hit.confidence,
        )


class SuggestionsOut(BaseModel):
    passages: list[PassageOut]
    known_issues: list[PassageOut]
    similar: SimilarOut


class IndexingOut(BaseModel):
    """How far the article's sections are in the search index."""

    state: str = Field(description="pending, indexing, done or failed")
    sections_indexed: int = Field(description="Sections searchable so far")
    sections: int
    error: str | None = Field(description="Why indexing failed (it is tried again)")


class IndexedArticleOut(BaseModel):
    id: int
    title: str
    kind: str
    source_name: str
    format: str
    product: str | None
    version: str | None
    section_count: int
    indexing: IndexingOut

    @classmethod
    def of(cls, article: KnowledgeArticle) -> IndexedArticleOut:
        assert article.id is not None
        return cls(
            id=article.id,
            title=article.title,
            kind=str(article.kind),
            source_name=article.source_name,
            format=article.format,
            product=article.product,
            version=article.version,
            section_count=article.section_count,
            indexing=IndexingOut(
                state=str(article.index_state),
                sections_indexed=article.indexed_sections,
                sections=article.section_count,
                error=article.index_error,
            ),
        )


class ArticleCreated(IndexedArticleOut):
    created: bool


Limit = Annotated[int, Query(ge=1, le=50)]
# A search ranks at most this many hits (search.MAX_RESULTS): its pages end there.
MAX_HITS = 50


@router.get("/tickets/{ticket_ref}/similar", response_model=SimilarOut)
def similar(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, limit: Limit = 5
) -> SimilarOut:
    """Solved tickets like this one (with their resolution) and open look-alikes (duplicate
    candidates), each with a score and why. An agent gets the solution of every similar solved
    ticket, whatever level solved it (`solved_at`), even one they may not open (`openable`
    false): its public thread, resolution and known-issue/defect links, never its notes."""
    return SimilarOut.of(search_services.similar_tickets(desk, actor, ticket_ref, limit), actor)


@router.get("/tickets/{ticket_ref}/suggestions", response_model=SuggestionsOut)
def suggestions(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, limit: Limit = 5
) -> SuggestionsOut:
    """What may answer this ticket: article passages, known issues and similar solved tickets."""
    found = knowledge.suggestions_for_ticket(desk, actor, ticket_ref, limit)
    return SuggestionsOut(
        passages=[PassageOut.of(h) for h in found.passages],
        known_issues=[PassageOut.of(h) for h in found.known_issues],
        similar=SimilarOut.of(found.similar, actor),
    )


@router.get("/kb/search", response_model=Page[PassageOut])
def search_kb(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="A question")],
    product: str | None = None,
) -> Page[PassageOut]:
    """Manual and known-issue passages for a question, each with its citation. A customer's
    question that finds nothing is recorded as a knowledge gap (`GET /kb/gaps`)."""

    def fetch(count: int) -> list[PassageOut]:
        hits = knowledge.search_knowledge(
            desk, actor, q, limit=min(count, MAX_HITS), product=product
        )
        if not page.cursor:  # a gap is the question finding nothing, noted once
            knowledge_gaps.note_customer_search(desk, actor, q, [(h.key, h.section) for h in hits])
        return [PassageOut.of(h) for h in hits]

    return paginate_fetched(fetch, page, lambda p: [p.kind, p.citation.model_dump_json()])


@router.get("/kb/solutions", response_model=Page[SolutionOut])
def search_solutions(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="A question")],
) -> Page[SolutionOut]:
    """How it was solved before: solved tickets answering a question, each as its solution
    (public thread, resolution, known-issue/defect links, the level that solved it), for
    every agent whatever level solved it; the ticket itself opens only for those who may see
    it (`openable`). Internal notes are never part of it. Customers get an empty list."""

    def fetch(count: int) -> list[SolutionOut]:
        found = search_services.search_solutions(desk, actor, q, min(count, MAX_HITS))
        return [SolutionOut.of(f) for f in found]

    return paginate_fetched(fetch, page)


@router.get("/kb/articles", response_model=Page[IndexedArticleOut])
def list_articles(
    desk: DeskDep, actor: CurrentActor, page: PageQuery, product: str | None = None
) -> Page[IndexedArticleOut]:
    """Manual and document articles indexed for search, optionally of one product."""
    return paginate(
        [IndexedArticleOut.of(a) for a in knowledge.list_articles(desk, actor, product)], page
    )


@router.get("/kb/articles/{article_id}", response_model=IndexedArticleOut)
def get_article(article_id: RecordId, desk: DeskDep, actor: CurrentActor) -> IndexedArticleOut:
    """One indexed article with its sections."""
    return IndexedArticleOut.of(knowledge.get_article(desk, actor, article_id))


@router.post("/kb/articles", response_model=ArticleCreated, status_code=status.HTTP_201_CREATED)
async def upload_article(
    request: Request,
    actor: CurrentActor,
    file: UploadFile,
    product: Annotated[str | None, Form()] = None,
    version: Annotated[str | None, Form()] = None,
    title: Annotated[str | None, Form()] = None,
    kind: Annotated[DocumentKind, Form()] = DocumentKind.MANUAL,
) -> ArticleCreated:
    """Upload a Markdown, HTML or PDF manual; it is split into sections and indexed. A manual
    past the `manuals.*` limits (pages, characters, sections) is refused with 413. One with
    more sections than `manuals.index_at_once` is indexed in the background: it comes back
    with `indexing.state` `pending`; `GET /kb/articles/{id}` shows the progress."""
    done = await ingest_upload(
        request, actor, file, title=title, product=product, version=version, kind=kind
    )
    return ArticleCreated(**IndexedArticleOut.of(done.article).model_dump(), created=done.created)


@router.delete("/kb/articles/{article_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_article(article_id: RecordId, desk: DeskDep, actor: CurrentActor) -> None:
    """Remove an indexed article from search."""
    knowledge.remove_article(desk, actor, article_id)
