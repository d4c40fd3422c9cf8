"""The knowledge base in the workspace: search with citations, read a manual, upload one,
remove one (from search and the knowledge base; the trail keeps its title)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote_plus

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from tierdesk.domain.knowledge import DocumentKind, IndexState
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.manuals import ingest_upload
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.services import knowledge, search, tickets
from tierdesk.services.kb_reading import read_article

router = APIRouter(prefix="/kb", include_in_schema=False)


@router.get("")
def kb_page(request: Request, desk: DeskDep, agent: WebAgent, q: str = "") -> Response:
    named = search.ticket_named_by(desk, agent, q)
    if named is not None:  # a ticket's reference typed into the search box opens it
        return RedirectResponse(f"/tickets/{named.number}", status_code=303)
    hits = knowledge.search_knowledge(desk, agent, q, limit=10) if q.strip() else []
    context = {
        "user": agent,
        "q": q,
        "hits": hits,
        "solutions": (
            search.search_solutions(desk, agent, q, limit=5, named_first=True) if q.strip() else []
        ),
        "articles": knowledge.list_articles(desk, agent),
        "products": tickets.list_products(desk),
    }
    return render(request, "kb.html", context)


@router.get("/articles/{article_id}")
def article_page(
    request: Request, desk: DeskDep, agent: WebAgent, article_id: RecordId
) -> Response:
    article, sections = read_article(desk, agent, article_id)
    return render(
        request, "kb_article.html", {"user": agent, "article": article, "sections": sections}
    )


@router.post("/upload", dependencies=[Csrf])
async def upload_manual(
    request: Request,
    agent: WebAgent,
    file: Annotated[UploadFile, File()],
    product: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "manual",
) -> Response:
    # HTML is read to text with its headings (assist.documents): no markup reaches a page.
    ingested = await ingest_upload(
        request,
        agent,
        file,
        product=product.strip() or None,
        version=version.strip() or None,
        kind=DocumentKind.KNOWN_ISSUE if kind == "known-issue" else DocumentKind.MANUAL,
    )
    if not ingested.created:
        what = "Already in the knowledge base"
    elif ingested.article.index_state is IndexState.DONE:
        what = "Added"
    else:
        what = "Added; its sections are being indexed in the background"
    return go(request, f"/kb/articles/{ingested.article.id}?notice={quote_plus(what)}")


@router.post("/articles/{article_id}/remove", dependencies=[Csrf])
def remove_manual(
    request: Request, desk: DeskDep, agent: WebAgent, article_id: RecordId
) -> Response:
    knowledge.remove_article(desk, agent, article_id)
    return go(request, "/kb?notice=Removed+from+the+knowledge+base")
