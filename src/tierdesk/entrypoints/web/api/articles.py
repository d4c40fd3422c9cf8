"""/api/v1/articles: KB articles written from solved tickets; drafted, edited, published by a
lead (versioned), linked to the tickets they helped and rated. Customers read only published
public articles (anything else is 404 to them)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from tierdesk.domain.articles import ArticleContent, ArticleState, ArticleVersion
from tierdesk.domain.people import Contact
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pagination import Page, PageQuery, paginate_keyset, record_id
from tierdesk.entrypoints.web.schemas import Request
from tierdesk.entrypoints.web.schemas_workflow import LinkedTicketOut
from tierdesk.services import articles

router = APIRouter(prefix="/articles", tags=["articles"])


class ArticleFields(Request):
    title: str = Field(min_length=1, max_length=300)
    problem: str = Field(default="", max_length=20_000)
    symptoms: str = Field(default="", max_length=20_000)
    environment: str = Field(default="", max_length=20_000)
    steps: list[str] = Field(default_factory=list, max_length=50)
    answer: str = Field(default="", max_length=20_000, description="The customer-facing text")
    facts: list[str] = Field(default_factory=list, max_length=30)
    product: str | None = None
    public: bool = False

    def content(self) -> ArticleContent:
        return ArticleContent(
            title=self.title,
            problem=self.problem,
            symptoms=self.symptoms,
            environment=self.environment,
            steps=self.steps,
            answer=self.answer,
            facts=self.facts,
        )


class ArticleCreate(ArticleFields):
    source_tickets: list[int | str] = Field(
        default_factory=list, max_length=20, description="Ticket ids or numbers (TD-1042)"
    )


class DraftRequest(Request):
    tickets: list[int | str] = Field(min_length=1, max_length=20, description="ids or numbers")
    title: str | None = Field(default=None, max_length=300)


class TicketRef(Request):
    ticket: int | str


class FeedbackIn(Request):
    helpful: bool


class FeedbackOut(BaseModel):
    agents_helped: int
    agents_not: int
    customers_helped: int
    customers_not: int


class ArticleVersionOut(BaseModel):
    number: int
    title: str
    problem: str
    symptoms: str
    environment: str
    steps: list[str]
    answer: str
    facts: list[str]
    public: bool
    published_at: datetime
    published_by: str

    @classmethod
    def of(cls, v: ArticleVersion) -> ArticleVersionOut:
        return cls(
            number=v.number,
            title=v.title,
            problem=v.problem,
            symptoms=v.symptoms,
            environment=v.environment,
            steps=v.steps,
            answer=v.answer,
            facts=v.facts,
            public=v.public,
            published_at=v.published_at,
            published_by=v.published_by,
        )


class PublicArticleOut(BaseModel):
    """What a customer reads: the published text, no internal field."""

    id: int
    title: str
    problem: str
    symptoms: str
    steps: list[str]
    answer: str
    version: int


class ArticleOut(BaseModel):
    id: int
    reference: str
    title: str
    problem: str
    symptoms: str
    environment: str
    steps: list[str]
    answer: str
    facts: list[str]
    product: str | None
    public: bool
    state: ArticleState
    version: int
    unpublished_changes: bool
    source_tickets: list[str]
    helped_tickets: list[str]
    tickets: list[LinkedTicketOut]  # the tickets it helped that the reader may see
    link_count: int
    deflections: int
    feedback: FeedbackOut
    versions: list[ArticleVersionOut]
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: articles.ArticleView) -> ArticleOut:
        a = view.article
        assert a.id is not None
        f = view.feedback
        return cls(
            id=a.id,
            reference=a.reference,
            title=a.title,
            problem=a.problem,
            symptoms=a.symptoms,
            environment=a.environment,
            steps=a.steps,
            answer=a.answer,
            facts=a.facts,
            product=view.product,
            public=a.public,
            state=a.state,
            version=a.version,
            unpublished_changes=view.unpublished_changes,
            source_tickets=view.source_numbers,
            helped_tickets=[t.number or str(t.id) for t in view.helped],
            tickets=[LinkedTicketOut.model_validate(t) for t in view.helped],
            link_count=view.link_count,
            deflections=view.deflections,
            feedback=FeedbackOut(
                agents_helped=f.agents_helped,
                agents_not=f.agents_not,
                customers_helped=f.customers_helped,
                customers_not=f.customers_not,
            ),
            versions=[ArticleVersionOut.of(v) for v in view.versions],
            created_by=a.created_by,
            created_at=a.created_at,
            updated_at=a.updated_at,
        )


class ArticleSummary(BaseModel):
    id: int
    reference: str
    title: str
    state: ArticleState
    public: bool
    version: int
    updated_at: datetime


@router.get("", response_model=Page[ArticleSummary])
def list_articles(
    desk: DeskDep, actor: CurrentActor, page: PageQuery, state: ArticleState | None = None
) -> Page[ArticleSummary]:
    """Knowledge-base articles in every state the caller may see, optionally one `state`."""

    def fetch(after: tuple[datetime, int] | None, count: int) -> list[ArticleSummary]:
        states = [state] if state else []
        found = articles.list_articles(desk, actor, states, after=after, limit=count)
        return [
            ArticleSummary(
                id=a.id or 0,
                reference=a.reference,
                title=a.title,
                state=a.state,
                public=a.public,
                version=a.version,
                updated_at=a.updated_at,
            )
            for a in found
        ]

    return paginate_keyset(
        fetch,
        page,
        lambda a: (a.updated_at, a.id),
        kind="a",
        encode=lambda key: [key[0].isoformat(), key[1]],
        decode=lambda values: (datetime.fromisoformat(values[0]), record_id(values[1:])),
    )


@router.post("", response_model=ArticleOut, status_code=status.HTTP_201_CREATED)
def create_article(body: ArticleCreate, desk: DeskDep, actor: CurrentActor) -> ArticleOut:
    """Write a new article (a draft), optionally citing the tickets it came from."""
    article = articles.create_article(
        desk,
        actor,
        body.content(),
        product=body.product,
        public=body.public,
        source_ticket_ids=body.source_tickets,
    )
    assert article.id is not None
    return ArticleOut.of(articles.get_article(desk, actor, article.id))


@router.post("/drafts", response_model=ArticleOut, status_code=status.HTTP_201_CREATED)
def draft_from_tickets(body: DraftRequest, desk: DeskDep, actor: CurrentActor) -> ArticleOut:
    """One action: a stored draft built from solved tickets (problem, symptoms, environment,
    steps, facts, and the answer the customer was given), for agents to edit."""
    article = articles.create_article_from_tickets(desk, actor, body.tickets, body.title)
    assert article.id is not None
    return ArticleOut.of(articles.get_article(desk, actor, article.id))


@router.get("/{article_id}", response_model=ArticleOut | PublicArticleOut)
def get_article(
    article_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> ArticleOut | PublicArticleOut:
    """One article: agents get every field and state; customers only the current version of
    a published, public article."""
    if isinstance(actor, Contact):
        v = articles.read_published(desk, actor, article_id)
        return PublicArticleOut(
            id=article_id,
            title=v.title,
            problem=v.problem,
            symptoms=v.symptoms,
            steps=v.steps,
            answer=v.answer,
            version=v.number,
        )
    return ArticleOut.of(articles.get_article(desk, actor, article_id))


@router.put("/{article_id}", response_model=ArticleOut)
def update_article(
    article_id: RecordId, body: ArticleFields, desk: DeskDep, actor: CurrentActor
) -> ArticleOut:
    """Replace an article's content; a published article gets a new version."""
    articles.update_article(
        desk, actor, article_id, body.content(), product=body.product or "", public=body.public
    )
    return ArticleOut.of(articles.get_article(desk, actor, article_id))


@router.post("/{article_id}/publish", response_model=ArticleOut)
def publish_article(article_id: RecordId, desk: DeskDep, actor: CurrentActor) -> ArticleOut:
    """Leads and admins: the working copy becomes the next version and is searchable."""
    articles.publish_article(desk, actor, article_id)
    return ArticleOut.of(articles.get_article(desk, actor, article_id))


@router.post("/{article_id}/archive", response_model=ArticleOut)
def archive_article(article_id: RecordId, desk: DeskDep, actor: CurrentActor) -> ArticleOut:
    """Take an article out of search and the portal; it stays readable to agents."""
    articles.archive_article(desk, actor, article_id)
    return ArticleOut.of(articles.get_article(desk, actor, article_id))


@router.post("/{article_id}/tickets", response_model=ArticleOut)
def link_ticket(
    article_id: RecordId, body: TicketRef, desk: DeskDep, actor: CurrentActor
) -> ArticleOut:
    """Record that the article helped this ticket."""
    articles.link_article(desk, actor, article_id, body.ticket)
    return ArticleOut.of(articles.get_article(desk, actor, article_id))


@router.post("/{article_id}/feedback", response_model=FeedbackOut)
def give_feedback(
    article_id: RecordId, body: FeedbackIn, desk: DeskDep, actor: CurrentActor
) -> FeedbackOut:
    """Did this help? Agents and customers (on what they may read); one answer per reader.
    Customers are answered with nothing but that it was counted."""
    counts = articles.give_feedback(desk, actor, article_id, body.helpful)
    if isinstance(actor, Contact):
        return FeedbackOut(agents_helped=0, agents_not=0, customers_helped=0, customers_not=0)
    return FeedbackOut(
        agents_helped=counts.agents_helped,
        agents_not=counts.agents_not,
        customers_helped=counts.customers_helped,
        customers_not=counts.customers_not,
    )
