"""The public help centre at /help: signed-out visitors search the published public KB
articles and read one, when ``portal.public_help_centre`` is on; off, every page here is the
portal's 404."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import render
from tierdesk.errors import NotFoundError
from tierdesk.services import help_centre

router = APIRouter(prefix="/help", include_in_schema=False)


def _require_open(request: Request) -> None:
    if not request.app.state.tierdesk.settings.portal.public_help_centre:
        raise NotFoundError("there is no public help centre", path="/help")


@router.get("")
def help_home(request: Request, desk: DeskDep, q: str = "") -> Response:
    _require_open(request)
    found = help_centre.search_help_centre(desk, q)
    return render(request, "portal/help.html", {"q": q, "found": found})


@router.get("/articles/{article_id}")
def help_article(request: Request, desk: DeskDep, article_id: RecordId) -> Response:
    _require_open(request)
    version = help_centre.read_help_article(desk, article_id)
    return render(request, "portal/help_article.html", {"version": version})
