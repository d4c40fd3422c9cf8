"""Authored KB articles: draft one from solved tickets, edit it, publish it (leads), find it in
search, read it in the portal when it is public, link the tickets it helped and count whether
it helped.

Every change is audited under the article (``article.created``, ``article.updated``,
``article.published`` with the version, ``article.archived``, ``article.feedback``); linking a
ticket is also on the ticket's trail (``article.linked``). What search and the portal read is
the latest *published version*: the working copy reaches nobody until a lead publishes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.article_draft import SourceTicket, draft_article
from tierdesk.domain.articles import (
    Article,
    ArticleContent,
    ArticleFeedback,
    ArticleState,
    ArticleVersion,
    Audience,
    FeedbackCounts,
)
from tierdesk.domain.knowledge import DocumentKind, SearchDocument
from tierdesk.domain.people import Actor, Agent, Contact
from tierdesk.domain.record_links import RecordKind
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError, InvalidTransitionError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import (
    access_ticket_or_solution,
    access_tickets,
    require_agent,
    require_lead,
)
from tierdesk.services.desk import Desk
from tierdesk.services.linked_records import (
    audit_record,
    customer_version,
    link_to_record,
    product_id_for,
)

KIND = RecordKind.ARTICLE
DOCUMENT_KEY = "kb-article:"  # the published version's search document: "kb-article:7"
DEFLECTION_SOURCE = "article:"  # what a deflection records when an article answered
MAX_SOURCE_TICKETS = 20


@dataclass(frozen=True)
class ArticleDraft:
    """A draft built from tickets, not stored yet: the form opens with it."""

    content: ArticleContent
    source_ticket_ids: list[int]
    source_numbers: list[str]
    product: str | None


@dataclass(frozen=True)
class ArticleView:
    """One article as its workspace page and the API show it."""

    article: Article
    product: str | None
    versions: list[ArticleVersion]  # newest first
    feedback: FeedbackCounts
    helped: list[Ticket]  # linked tickets the reader may see
    link_count: int
    deflections: int
    source_numbers: list[str]

    @property
    def unpublished_changes(self) -> bool:
        latest = self.versions[0] if self.versions else None
        return latest is None or not latest.same_text(self.article)


# -- drafting --------------------------------------------------------------------------------


def draft_from_tickets(
    desk: Desk, actor: Actor, references: Sequence[int | str], title: str | None = None
) -> ArticleDraft:
    """A draft from solved tickets, read through what any agent may read of them
    (``visibility.solution_of``): never an internal note or an attachment."""
    require_agent(actor, "write KB articles")
    wanted = list(dict.fromkeys(r for r in references if str(r).strip()))
    if not wanted:
        raise InvalidInputError("name at least one solved ticket", field="tickets")
    if len(wanted) > MAX_SOURCE_TICKETS:
        raise InvalidInputError(f"at most {MAX_SOURCE_TICKETS} tickets", field="tickets")
    sources: list[SourceTicket] = []
    product: str | None = None
    with desk.uow() as uow:
        for reference in wanted:
            found = access_ticket_or_solution(uow, actor, reference, desk.ticket_prefix)
            if found.solution is None:
                number = found.ticket.number if found.ticket is not None else reference
                raise InvalidTransitionError(
                    f"{number} is not solved yet: an article is written from solved tickets",
                    field="tickets",
                )
            named, version = _catalogue_names(uow, found.ticket)
            product = product or named
            sources.append(SourceTicket(found.solution, named, version))
    content = draft_article(sources, title=title.strip() if title and title.strip() else None)
    return ArticleDraft(
        content,
        [s.solution.ticket_id for s in sources],
        [s.solution.number for s in sources],
        product,
    )


def _catalogue_names(uow: UnitOfWork, ticket: Ticket | None) -> tuple[str | None, str | None]:
    """The product and version of a ticket the agent may open; of a solution beyond them,
    nothing beyond what the solution holds."""
    if ticket is None or ticket.product_id is None:
        return None, None
    product = uow.products.get(ticket.product_id)
    return (product.name if product else None), customer_version(uow, ticket)


# -- writing ---------------------------------------------------------------------------------


def create_article(
    desk: Desk,
    actor: Actor,
    content: ArticleContent,
    *,
    product: str | None = None,
    public: bool = False,
    source_ticket_ids: Sequence[int | str] = (),
) -> Article:
    """``source_ticket_ids``: ids, or ticket numbers (``TD-1042``), which must name a ticket
    or a solution the actor may see."""
    require_agent(actor, "write KB articles")
    with desk.uow() as uow:
        source_ids = [
            s
            if isinstance(s, int)
            else access_ticket_or_solution(uow, actor, s, desk.ticket_prefix).ticket_id
            for s in source_ticket_ids
        ]
        now = desk.clock.now()
        article = Article(
            title=content.title,
            problem=content.problem,
            symptoms=content.symptoms,
            environment=content.environment,
            steps=list(content.steps),
            answer=content.answer,
            facts=list(content.facts),
            created_at=now,
            updated_at=now,
            created_by=actor.name,
            product_id=product_id_for(uow, product),
            public=public,
            source_ticket_ids=list(dict.fromkeys(source_ids)),
        )
        uow.articles.add(article)
        uow.flush()
        changes = {"title": article.title, "tickets": article.source_ticket_ids}
        audit_record(uow, KIND, article.id, "created", actor, now, changes)
        uow.commit()
        return article


def create_article_from_tickets(
    desk: Desk, actor: Actor, references: Sequence[int | str], title: str | None = None
) -> Article:
    """The one action: a stored draft built from the tickets."""
    draft = draft_from_tickets(desk, actor, references, title)
    return create_article(
        desk,
        actor,
        draft.content,
        product=draft.product,
        source_ticket_ids=draft.source_ticket_ids,
    )


def update_article(
    desk: Desk,
    actor: Actor,
    article_id: int,
    content: ArticleContent,
    *,
    product: str | None = None,
    public: bool | None = None,
) -> Article:
    """Replace the working copy (any agent); readers see it once a lead publishes it."""
    require_agent(actor, "edit KB articles")
    with desk.uow() as uow:
        article = _load(uow, article_id)
        now = desk.clock.now()
        changes = article.write(content, now)
        if product is not None:
            product_id = product_id_for(uow, product)
            if product_id != article.product_id:
                changes["product"] = product or None
                article.product_id = product_id
        if public is not None and public != article.public:
            changes["public"] = [article.public, public]
            article.public = public
        if changes:
            article.updated_at = now
            audit_record(uow, KIND, article.id, "updated", actor, now, changes)
        uow.commit()
        return article


def publish_article(desk: Desk, actor: Actor, article_id: int) -> ArticleVersion:
    """Leads and admins only: the working copy becomes the next version, searchable at once
    (by customers too when public); the previous version's text leaves the index."""
    require_lead(actor, "publish KB articles")
    with desk.uow() as uow:
        article = _load(uow, article_id)
        latest = uow.articles.latest_version(article_id)
        if article.state is ArticleState.PUBLISHED and latest and latest.same_text(article):
            # A second click (or a retried call) must not make an identical version.
            raise InvalidTransitionError(
                f"{article.reference} version {latest.number} is published and nothing changed",
                article=article.reference,
            )
        now = desk.clock.now()
        version = article.publish(actor.name, now)
        uow.articles.add_version(version)
        changes = {"version": version.number, "public": version.public, "title": version.title}
        audit_record(uow, KIND, article.id, "published", actor, now, changes)
        _index(uow, desk, article, version)
        uow.commit()
        return version


def archive_article(desk: Desk, actor: Actor, article_id: int) -> Article:
    require_lead(actor, "archive KB articles")
    with desk.uow() as uow:
        article = _load(uow, article_id)
        uow.hold(article)  # archived twice at once: the second meets it archived
        now = desk.clock.now()
        article.archive(now)
        audit_record(uow, KIND, article.id, "archived", actor, now)
        uow.search.remove([f"{DOCUMENT_KEY}{article_id}"])
        uow.commit()
        return article


def index_article(uow: UnitOfWork, desk: Desk, article_id: int) -> None:
    """Index a published article's latest version as its publishing did (an imported
    desk's articles, which came without their search documents)."""
    article = uow.articles.get(article_id)
    if article is None or article.state is not ArticleState.PUBLISHED:
        return
    version = uow.articles.latest_version(article_id)
    if version is not None:
        _index(uow, desk, article, version)


def _index(uow: UnitOfWork, desk: Desk, article: Article, version: ArticleVersion) -> None:
    """One search document per article, replaced by each publish. A public article's holds
    only what the portal shows (problem, symptoms, steps, answer); an internal one's also the
    environment and the facts."""
    if desk.search is None:
        return
    product = uow.products.get(version.product_id) if version.product_id is not None else None
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(version.steps, start=1))
    parts = [version.problem, version.symptoms, steps, version.answer]
    if not version.public:
        parts += [version.environment, "\n".join(version.facts)]
    reference = f"KB-{article.id}"
    document = SearchDocument(
        key=f"{DOCUMENT_KEY}{article.id}",
        kind=DocumentKind.ARTICLE if version.public else DocumentKind.ARTICLE_INTERNAL,
        title=f"{reference}: {version.title}",
        body="\n\n".join(p for p in parts if p.strip()),
        citation={
            "document": reference,
            "section": version.title,
            "path": version.title,
            "product": product.name if product is not None else None,
            "version": None,
            "article": article.id,
        },
    )
    desk.search.store(uow, [document])


def article_of_document(key: str) -> int | None:
    """The authored article a search document is about, if it is one's."""
    number = key.removeprefix(DOCUMENT_KEY)
    return int(number) if key.startswith(DOCUMENT_KEY) and number.isdigit() else None


# -- reading ---------------------------------------------------------------------------------


def list_articles(
    desk: Desk,
    actor: Actor,
    states: Sequence[ArticleState] = (),
    *,
    after: tuple[datetime, int] | None = None,
    limit: int | None = None,
) -> list[Article]:
    """Most recently changed first; after ``after`` (updated_at, id), at most ``limit``."""
    require_agent(actor, "list KB articles")
    with desk.uow() as uow:
        return uow.articles.find(states, after=after, limit=limit)


def get_article(desk: Desk, actor: Actor, article_id: int) -> ArticleView:
    require_agent(actor, "read KB article drafts")
    with desk.uow() as uow:
        article = _load(uow, article_id)
        assert article.id is not None
        product = uow.products.get(article.product_id) if article.product_id else None
        links = uow.record_links.of_record(KIND, article.id)
        helped = access_tickets(uow, actor, [link.ticket_id for link in links])
        sources = access_tickets(uow, actor, article.source_ticket_ids)
        return ArticleView(
            article=article,
            product=product.name if product else None,
            versions=uow.articles.versions(article.id),
            feedback=uow.articles.feedback_counts(article.id),
            helped=helped,
            link_count=len(links),
            deflections=uow.deflections.count(f"{DEFLECTION_SOURCE}{article.id}"),
            source_numbers=[t.number or str(t.id) for t in sources],
        )


def read_published(desk: Desk, actor: Actor, article_id: int) -> ArticleVersion:
    """What a reader of the published article reads: its latest version. Customers only ever
    reach a published, public one; anything else is "not found" to them, as a draft is."""
    with desk.uow() as uow:
        return _published_for(uow, actor, article_id)


def _published_for(uow: UnitOfWork, actor: Actor, article_id: int) -> ArticleVersion:
    article = uow.articles.get(article_id)
    version = uow.articles.latest_version(article_id) if article is not None else None
    if article is None or version is None or article.state is not ArticleState.PUBLISHED:
        raise _not_found(article_id)
    if isinstance(actor, Contact) and not version.public:
        raise _not_found(article_id)
    return version


# -- helped tickets and feedback ------------------------------------------------------------


def link_article(desk: Desk, actor: Actor, article_id: int, reference: int | str) -> Ticket:
    """Record that the article helped a ticket (on the ticket's trail and the article's
    page). Linking the same ticket twice is refused."""
    require_agent(actor, "link KB articles")
    with desk.uow() as uow:
        article = _load(uow, article_id)
        if article.state is ArticleState.ARCHIVED:
            raise InvalidTransitionError(f"{article.reference} is archived", article=article_id)
        ticket, _link = link_to_record(
            uow, desk, actor, KIND, article_id, article.title, reference, desk.clock.now()
        )
        uow.commit()
        return ticket


def give_feedback(desk: Desk, actor: Actor, article_id: int, helpful: bool) -> FeedbackCounts:
    """A reader's "did this help?" on the published article (their later answer replaces
    the earlier one). Customers answer only on what they may read."""
    with desk.uow() as uow:
        _published_for(uow, actor, article_id)
        if isinstance(actor, Contact):
            voter, audience = f"contact:{actor.id}", Audience.CUSTOMER
        else:
            agent = require_agent(actor, "rate KB articles")
            who = agent.id if isinstance(agent, Agent) else agent.name
            voter, audience = f"agent:{who}", Audience.AGENT
        now = desk.clock.now()
        uow.articles.set_feedback(ArticleFeedback(article_id, voter, audience, helpful, now))
        changes = {"helpful": helpful, "audience": str(audience)}
        audit_record(uow, KIND, article_id, "feedback", actor, now, changes)
        counts = uow.articles.feedback_counts(article_id)
        uow.commit()
        return counts


def _load(uow: UnitOfWork, article_id: int) -> Article:
    article = uow.articles.get(article_id)
    if article is None:
        raise _not_found(article_id)
    return article


def _not_found(article_id: int) -> NotFoundError:
    return NotFoundError(f"KB-{article_id} not found", article=f"KB-{article_id}")
