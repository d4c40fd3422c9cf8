"""Versions and upgrades in the workspace (issue 21 item 3): the advisories list and page (the
organisations reached, with buttons to mark them acknowledged or upgraded), the "New advisory"
form (errors next to their field, a preview of the organisations before anything is sent), the
"customers running an affected version" section of the known-issue and defect pages, and the
portal's Advisories page, where a contact acknowledges for its organisation. The same services
as /api/v1/advisories (services/advisories.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.advisories import AdvisoryReason, NoticeState
from tierdesk.domain.people import Agent
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.errors import STATUS_BY_CODE
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent, WebContact
from tierdesk.errors import InvalidInputError, TooLargeError
from tierdesk.services import advisories, affected_customers, tickets
from tierdesk.services.desk import Desk

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]
PAGE_SIZE = 50


@router.get("/advisories")
def advisory_list(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    views, total = advisories.list_advisories(desk, agent, 0, PAGE_SIZE)
    context = {"user": agent, "views": views, "total": total, "states": list(NoticeState)}
    return render(request, "advisories/list.html", context)


def _form(
    request: Request,
    desk: Desk,
    agent: Agent,
    typed: advisories.AdvisoryInput,
    *,
    preview: advisories.AdvisoryPreview | None = None,
    error: InvalidInputError | TooLargeError | None = None,
    eos: str = "",
    status: int = 200,
) -> Response:
    context = {
        "user": agent,
        "typed": typed,
        "eos": eos,
        "products": tickets.list_products(desk),
        "reasons": list(AdvisoryReason),
        "preview": preview,
        "error": error,
    }
    return render(request, "advisories/new.html", context, status)


@router.get("/advisories/new")
def new_advisory(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    product: str = "",
    version: str = "",
    reason: str = "end-of-support",
    record: str = "",
) -> Response:
    """Opened blank, or from a known issue's or defect's page with its record filled in."""
    typed = advisories.AdvisoryInput(product, version, reason, "", record or None)
    return _form(request, desk, agent, typed)


def _date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(
            f"{text!r} is not a date (YYYY-MM-DD)", field="end_of_support"
        ) from exc


@router.post("/advisories/new", dependencies=[Csrf])
def create_advisory(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    product: Text = "",
    version: Text = "",
    reason: Text = "",
    record: Text = "",
    end_of_support: Text = "",
    target_version: Text = "",
    message: Text = "",
    action: Text = "preview",
) -> Response:
    """ "Preview" shows the organisations it would reach; "Send" creates it and queues the
    notices. A mistake shows the form again, filled in, with the reason next to its field."""
    typed = advisories.AdvisoryInput(
        product, version, reason, message, record or None, None, target_version or None
    )
    try:
        typed.end_of_support = _date(end_of_support)
        if action == "send":
            created = advisories.create_advisory(desk, agent, typed)
            return go(request, f"/advisories/{created.advisory.id}?notice=Advisory+sent")
        preview = advisories.preview_advisory(desk, agent, typed)
    except (InvalidInputError, TooLargeError) as error:  # a too long message, too
        status = STATUS_BY_CODE[error.code]
        return _form(request, desk, agent, typed, error=error, eos=end_of_support, status=status)
    return _form(request, desk, agent, typed, preview=preview, eos=end_of_support)


@router.get("/advisories/{advisory_id}")
def advisory_page(
    request: Request, desk: DeskDep, agent: WebAgent, advisory_id: RecordId
) -> Response:
    view = advisories.get_advisory(desk, agent, advisory_id)
    return render(request, "advisories/page.html", {"user": agent, "view": view})


@router.post("/advisories/{advisory_id}/organisations/{organisation_id}", dependencies=[Csrf])
def mark_state(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    advisory_id: RecordId,
    organisation_id: RecordId,
    state: Text = "",
) -> Response:
    advisories.set_state(desk, agent, advisory_id, organisation_id, state)
    notice = f"Marked+{state}"
    return go(request, f"/advisories/{advisory_id}?notice={notice}#org-{organisation_id}")


@router.post("/advisories/{advisory_id}/upgrades", dependencies=[Csrf])
def check_upgrades(
    request: Request, desk: DeskDep, agent: WebAgent, advisory_id: RecordId
) -> Response:
    marked = advisories.detect_upgrades(desk, agent, advisory_id)
    return go(request, f"/advisories/{advisory_id}?notice={marked}+marked+upgraded")


def _affected(
    request: Request, desk: Desk, agent: Agent, kind: AdvisoryReason, record_id: int
) -> Response:
    found = affected_customers.affected_customers(desk, agent, kind, record_id)
    return render(request, "advisories/_affected.html", {"user": agent, "found": found})


@router.get("/known-issues/{issue_id}/affected")
def known_issue_affected(
    request: Request, desk: DeskDep, agent: WebAgent, issue_id: RecordId
) -> Response:
    return _affected(request, desk, agent, AdvisoryReason.KNOWN_ISSUE, issue_id)


@router.get("/defects/{defect_id}/affected")
def defect_affected(
    request: Request, desk: DeskDep, agent: WebAgent, defect_id: RecordId
) -> Response:
    return _affected(request, desk, agent, AdvisoryReason.DEFECT, defect_id)


# -- the portal -----------------------------------------------------------------------------


@router.get("/portal/advisories")
def portal_advisories(request: Request, desk: DeskDep, contact: WebContact) -> Response:
    views, _total = advisories.list_advisories(desk, contact, 0, PAGE_SIZE)
    return render(request, "portal/advisories.html", {"contact": contact, "views": views})


@router.post("/portal/advisories/{advisory_id}/acknowledge", dependencies=[Csrf])
def portal_acknowledge(
    request: Request, desk: DeskDep, contact: WebContact, advisory_id: RecordId
) -> Response:
    advisories.set_state(
        desk, contact, advisory_id, contact.organisation_id, NoticeState.ACKNOWLEDGED
    )
    return go(request, "/portal/advisories?notice=acknowledged")
