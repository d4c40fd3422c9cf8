"""KB articles in the workspace: the draft form (empty, or prefilled from solved tickets:
``/kb/articles/new?title=…&tickets=TD-1001,TD-1002``), the list, and an article's page (edit,
publish for leads, versions, helped tickets, "did this help?"). Its router is included before
the knowledge pages', whose ``/kb/articles/{id}`` reads an uploaded manual."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tierdesk.domain.articles import ArticleContent, ArticleState
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId, typed_record_id
from tierdesk.entrypoints.web.pages.forms import lines
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError, TierdeskError
from tierdesk.services import articles, tickets

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form()]


def _references(text: str) -> list[int | str]:
    return [r.strip() for r in text.replace(",", " ").split() if r.strip()]


def _content(
    title: str, problem: str, symptoms: str, environment: str, steps: str, answer: str, facts: str
) -> ArticleContent:
    return ArticleContent(
        title=title,
        problem=problem,
        symptoms=symptoms,
        environment=environment,
        steps=lines(steps),
        answer=answer,
        facts=lines(facts),
    )


@router.get("/kb/articles/new")
def new_article(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    title: str = "",
    wanted: Annotated[str, Query(alias="tickets")] = "",
) -> Response:
    """The draft form; with ``tickets`` (ids or numbers), prefilled from those solved tickets.
    A ticket that cannot be drafted from is said beside the tickets field."""
    draft = None
    problem = ""
    if wanted.strip():
        try:
            draft = articles.draft_from_tickets(desk, agent, _references(wanted), title or None)
        except TierdeskError as refused:
            problem = refused.message
    context: dict[str, Any] = {
        "user": agent,
        "title": title,
        "tickets": wanted,
        "draft": draft,
        "tickets_error": problem,
        "products": tickets.list_products(desk),
    }
    return render(request, "articles/new.html", context)


@router.post("/kb/articles", dependencies=[Csrf])
def create_article(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    title: Text,
    problem: Text = "",
    symptoms: Text = "",
    environment: Text = "",
    steps: Text = "",
    answer: Text = "",
    facts: Text = "",
    product: Text = "",
    public: Text = "",
    source_tickets: Text = "",
) -> Response:
    content = _content(title, problem, symptoms, environment, steps, answer, facts)
    article = articles.create_article(
        desk,
        agent,
        content,
        product=product or None,
        public=public == "yes",
        source_ticket_ids=[
            n for n in (typed_record_id(t) for t in source_tickets.split(",")) if n is not None
        ],
    )
    return go(request, f"/articles/{article.id}?notice=Draft+saved")


@router.get("/articles")
def article_list(request: Request, desk: DeskDep, agent: WebAgent, state: str = "") -> Response:
    states = [ArticleState(state)] if state in {str(s) for s in ArticleState} else []
    found = articles.list_articles(desk, agent, states)
    context = {"user": agent, "articles": found, "state": state, "states": list(ArticleState)}
    return render(request, "articles/list.html", context)


@router.get("/articles/{article_id}")
def article_page(
    request: Request, desk: DeskDep, agent: WebAgent, article_id: RecordId
) -> Response:
    view = articles.get_article(desk, agent, article_id)
    context = {
        "user": agent,
        "view": view,
        "article": view.article,
        "products": tickets.list_products(desk),
    }
    return render(request, "articles/page.html", context)


@router.post("/articles/{article_id}", dependencies=[Csrf])
def update_article(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    article_id: RecordId,
    title: Text,
    problem: Text = "",
    symptoms: Text = "",
    environment: Text = "",
    steps: Text = "",
    answer: Text = "",
    facts: Text = "",
    product: Text = "",
    public: Text = "",
) -> Response:
    content = _content(title, problem, symptoms, environment, steps, answer, facts)
    articles.update_article(
        desk, agent, article_id, content, product=product, public=public == "yes"
    )
    return go(request, f"/articles/{article_id}?notice=Saved")


@router.post("/articles/{article_id}/publish", dependencies=[Csrf])
def publish_article(
    request: Request, desk: DeskDep, agent: WebAgent, article_id: RecordId
) -> Response:
    version = articles.publish_article(desk, agent, article_id)
    return go(request, f"/articles/{article_id}?notice=Published+version+{version.number}")


@router.post("/articles/{article_id}/archive", dependencies=[Csrf])
def archive_article(
    request: Request, desk: DeskDep, agent: WebAgent, article_id: RecordId
) -> Response:
    articles.archive_article(desk, agent, article_id)
    return go(request, f"/articles/{article_id}?notice=Archived")


@router.post("/articles/{article_id}/link", dependencies=[Csrf])
def link_ticket(
    request: Request, desk: DeskDep, agent: WebAgent, article_id: RecordId, ticket: Text
) -> Response:
    linked = articles.link_article(desk, agent, article_id, ticket.strip())
    # Back to the article, where the ticket now shows under Helped (the ticket page's own
    # "A KB article helped" form returns to the ticket).
    return go(request, f"/articles/{article_id}?notice=Linked+{linked.number}")


@router.post("/tickets/{reference}/articles", dependencies=[Csrf])
def link_from_ticket(
    request: Request, desk: DeskDep, agent: WebAgent, reference: str, article: Text
) -> Response:
    """The ticket page's "this article helped": the article named as KB-7 or 7."""
    number = typed_record_id(article.strip().upper().removeprefix("KB-"))
    if number is None:
        raise InvalidInputError("name the article as KB-7 (or 7)", field="article")
    linked = articles.link_article(desk, agent, number, reference)
    return go(request, f"/tickets/{linked.number}?notice=Linked+to+KB-{number}")


@router.post("/articles/{article_id}/feedback", dependencies=[Csrf])
def give_feedback(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    article_id: RecordId,
    helpful: Annotated[Literal["yes", "no"], Form()],  # anything else is refused, not "no"
) -> Response:
    articles.give_feedback(desk, agent, article_id, helpful == "yes")
    return go(request, f"/articles/{article_id}?notice=Thanks+for+the+feedback")
