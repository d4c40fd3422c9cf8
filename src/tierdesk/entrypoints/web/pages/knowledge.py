"""The knowledge base in the workspace: search with citations, read a manual, upload one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from tierdesk.domain.knowledge import DocumentKind
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError, TooLargeError
from tierdesk.services import knowledge, tickets
from tierdesk.services.kb_reading import read_article

router = APIRouter(prefix="/kb", include_in_schema=False)

# A manual is bigger than an attachment; past this it belongs on the command line (tierdesk kb add).
MAX_MANUAL_BYTES = 50 * 1024 * 1024


@router.get("")
def kb_page(request: Request, desk: DeskDep, agent: WebAgent, q: str = "") -> Response:
    hits = knowledge.search_knowledge(desk, agent, q, limit=10) if q.strip() else []
    context = {
        "user": agent,
        "q": q,
        "hits": hits,
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
    desk: DeskDep,
    agent: WebAgent,
    file: Annotated[UploadFile, File()],
    product: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "manual",
) -> Response:
    if not file.filename:
        raise InvalidInputError("choose a Markdown, HTML or PDF file", field="file")
    data = await file.read(MAX_MANUAL_BYTES + 1)
    if len(data) > MAX_MANUAL_BYTES:
        raise TooLargeError("manuals over 50 MB go in with `tierdesk kb add`")
    # HTML is read to text with its headings (assist.documents): no markup reaches a page.
    parsed = request.app.state.tierdesk.read_document(data, file.filename)
    document_kind = DocumentKind.KNOWN_ISSUE if kind == "known-issue" else DocumentKind.MANUAL
    ingested = knowledge.add_article(
        desk,
        agent,
        parsed,
        file.filename,
        product=product.strip() or None,
        version=version.strip() or None,
        kind=document_kind,
    )
    what = "Added" if ingested.created else "Already in the knowledge base"
    return go(request, f"/kb/articles/{ingested.article.id}?notice={what}")
