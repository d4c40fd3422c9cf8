"""A KB article in the portal: the published text of a public article (title, problem,
symptoms, steps, answer; never the environment, facts or source tickets), "did this help?",
and, reached from a suggestion while writing a ticket, "this solved my problem" (a
deflection recorded against the article). Anything else is the portal's 404."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebContact
from tierdesk.services import articles

router = APIRouter(prefix="/portal", include_in_schema=False)


@router.get("/articles/{article_id}")
def article_page(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    article_id: RecordId,
    subject: str = "",
    body: str = "",
) -> Response:
    version = articles.read_published(desk, contact, article_id)
    context = {
        "contact": contact,
        "article_id": article_id,
        "version": version,
        # what the customer was writing when a suggestion brought them here
        "draft": {"subject": subject, "body": body} if subject or body else None,
        "source": f"{articles.DEFLECTION_SOURCE}{article_id}",
    }
    return render(request, "portal/article.html", context)


@router.post("/articles/{article_id}/feedback", dependencies=[Csrf])
def give_feedback(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    article_id: RecordId,
    helpful: Annotated[Literal["yes", "no"], Form()],  # anything else is refused, not "no"
) -> Response:
    articles.give_feedback(desk, contact, article_id, helpful == "yes")
    return go(request, f"/portal/articles/{article_id}?notice=article_feedback")
