"""Enhancement requests in the portal: those linked to the organisation's tickets, with their
public status and vote count, and a button to vote for the organisation or withdraw the vote.
Anything else is the portal's 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebContact
from tierdesk.services import enhancements

router = APIRouter(prefix="/portal", include_in_schema=False)


@router.get("/enhancements")
def enhancements_page(request: Request, desk: DeskDep, contact: WebContact) -> Response:
    rows = enhancements.customer_enhancements(desk, contact)
    return render(request, "portal/enhancements.html", {"contact": contact, "rows": rows})


@router.post("/enhancements/{enhancement_id}/vote", dependencies=[Csrf])
def vote(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    enhancement_id: RecordId,
    vote: Annotated[str, Form()],
) -> Response:
    wanted = vote == "yes"
    enhancements.vote_as_customer(desk, contact, enhancement_id, wanted)
    notice = "voted" if wanted else "vote_withdrawn"
    return go(request, f"/portal/enhancements?notice={notice}")
