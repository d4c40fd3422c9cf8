"""The customer portal: sign in (password or an e-mailed link), the organisation's tickets with
public messages only, a new-ticket form that suggests answers while the customer types, replies
with attachments, and a rating of solved tickets."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tierdesk.domain.customer_texts import customer_text, minutes_phrase
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.sign_in_limits import LimitScope, wait_minutes
from tierdesk.domain.ticket_people import MAX_CCS, split_addresses
from tierdesk.domain.tickets import Status, format_ticket_number
from tierdesk.entrypoints.web.deps import DeskDep, client_host
from tierdesk.entrypoints.web.hosts import public_link
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.error_pages import CustomerInputError, portal_fill_in
from tierdesk.entrypoints.web.pages.rendering import go, portal_language, render
from tierdesk.entrypoints.web.pages.sessions import (
    Csrf,
    WebContact,
    end_session,
    session_id,
    start_session,
)
from tierdesk.entrypoints.web.pages.signin import paused_answer, safe_next
from tierdesk.entrypoints.web.pages.threads import download, thread
from tierdesk.errors import (
    InvalidInputError,
    PermissionDeniedError,
    RateLimitedError,
    RepeatedRequestError,
    TierdeskError,
    UnauthenticatedError,
)
from tierdesk.mail_bootstrap import outbound_policy, smtp_transport
from tierdesk.services import answer_outcomes, csat, deflection, portal, tickets
from tierdesk.services.conversation import add_message
from tierdesk.services.idempotency import earlier_ticket
from tierdesk.services.portal import magic_link_email, organisation_tickets
from tierdesk.services.web_sessions import (
    MAGIC_LINK_LIFETIME,
    Audience,
    issue_magic_link,
    redeem_magic_link,
    sign_in,
)

router = APIRouter(prefix="/portal", include_in_schema=False)


def _mail_ready(request: Request) -> bool:
    return bool(request.app.state.tierdesk.settings.mail.from_address)


@router.get("")
def portal_home() -> RedirectResponse:
    return RedirectResponse("/portal/tickets", status_code=303)


@router.get("/signin")
def signin_page(request: Request, next: str | None = None) -> Response:
    context = {
        "next": safe_next(next, "/portal/tickets"),
        "error": "",
        "links": _mail_ready(request),
    }
    return render(request, "portal/signin.html", context)


@router.post("/signin", dependencies=[Csrf])
def signin(
    request: Request,
    desk: DeskDep,
    background: BackgroundTasks,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/portal/tickets",
) -> Response:
    context = {
        "next": safe_next(next, "/portal/tickets"),
        "email": email,
        "links": _mail_ready(request),
    }
    try:
        opened = sign_in(
            desk, Audience.CONTACT, email, password, client_host(request), session_id(request)
        )
    except RateLimitedError as paused:
        language = portal_language(request)
        wait = minutes_phrase(language, wait_minutes(paused.retry_after))
        # An account locked and a network address paused are told apart, as in the workspace.
        account = getattr(paused, "scope", None) is LimitScope.ACCOUNT
        key = "portal.error.paused_account" if account else "portal.error.paused_network"
        said = customer_text(language, key, wait=wait)
        return paused_answer(request, background, "portal/signin.html", context, paused, said)
    except UnauthenticatedError:
        said = customer_text(portal_language(request), "portal.error.sign_in")
        return render(request, "portal/signin.html", {**context, "error": said}, 401)
    start_session(request, opened)
    return RedirectResponse(safe_next(next, "/portal/tickets"), status_code=303)


@router.post("/link", dependencies=[Csrf])
def send_link(
    request: Request, desk: DeskDep, background: BackgroundTasks, email: Annotated[str, Form()]
) -> Response:
    """E-mail a single-use sign-in link. The answer is the same whether or not the address
    has an account, so the form cannot be used to find out who is a customer."""
    settings = request.app.state.tierdesk.settings
    if _mail_ready(request):
        issued = issue_magic_link(desk, email)
        if issued is not None:
            url = public_link(request, "redeem_link", token=issued.token)
            outgoing = magic_link_email(issued, url, outbound_policy(settings.mail))
            background.add_task(smtp_transport(settings.mail).send, outgoing)
    context = {
        "next": "/portal/tickets",
        "error": "",
        "links": True,
        "sent": True,
        "minutes": int(MAGIC_LINK_LIFETIME.total_seconds() // 60),
    }
    return render(request, "portal/signin.html", context)


@router.get("/link/{token}", name="redeem_link")
def redeem_link(request: Request, desk: DeskDep, token: str) -> Response:
    start_session(request, redeem_magic_link(desk, token, session_id(request)))
    return RedirectResponse("/portal/tickets", status_code=303)


@router.post("/signout", dependencies=[Csrf])
def signout(request: Request, desk: DeskDep) -> RedirectResponse:
    end_session(request, desk)
    return RedirectResponse("/portal/signin", status_code=303)


@router.get("/tickets")
def ticket_list(request: Request, desk: DeskDep, contact: WebContact) -> Response:
    rows = organisation_tickets(desk, contact)
    return render(request, "portal/tickets.html", {"contact": contact, "rows": rows})


@router.get("/tickets/new")
def new_ticket_form(request: Request, contact: WebContact) -> Response:
    return render(request, "portal/new.html", {"contact": contact})


# A POST, though it stores nothing but the search: the draft may be a long paste, which in a
# query string outgrows the server's request line (answered in the server's own English).
@router.post("/suggest", dependencies=[Csrf])
def suggest(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
) -> Response:
    draft = f"{subject}\n{body}"
    found = deflection.suggest_while_typing(desk, contact, draft)
    context = {"contact": contact, "found": found, "subject": subject, "body": body}
    return render(request, "portal/_suggestions.html", context)


@router.post("/deflect", dependencies=[Csrf])
def deflect(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    source: Annotated[str, Form()],
    title: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
) -> Response:
    deflection.record_deflection(desk, contact, f"{subject}\n{body}", source, title)
    return go(request, "/portal/tickets?notice=deflected")


@router.post("/tickets", dependencies=[Csrf])
async def open_ticket(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    subject: Annotated[str, Form()],
    body: Annotated[str, Form()],
    files: Annotated[list[UploadFile] | None, File()] = None,
    form_key: forms.FormKey = None,
) -> Response:
    # Blank (spaces only, which the browser's "required" lets through): said in the portal's
    # words, not the service's English.
    missing = {
        field: label
        for field, label, value in (
            ("subject", "portal.subject", subject),
            ("body", "portal.field.body", body),
        )
        if not value.strip()
    }
    if missing:
        raise portal_fill_in(request, missing)
    uploads = await forms.attachments(files or [], desk.max_attachment_bytes)
    new = tickets.NewTicket(
        subject=subject, body_text=body, channel=Channel.PORTAL, attachments=uploads
    )
    try:
        # on a worker thread: opening a ticket (search, triage, SLA) must not hold the event loop
        opened = await run_in_threadpool(
            tickets.open_ticket, desk, contact, new, idempotency_key=form_key
        )
        number = opened.number
    except RepeatedRequestError as repeat:  # sent before: show the ticket it opened
        assert form_key is not None
        first = repeat.data.get("ticket_id") or await run_in_threadpool(
            earlier_ticket, desk, contact, form_key
        )
        if first is None:
            return go(request, "/portal/tickets")
        number = format_ticket_number(desk.ticket_prefix, first)
    return go(request, f"/portal/tickets/{number}?notice=opened")


@router.get("/tickets/{reference}")
def ticket_page(request: Request, desk: DeskDep, contact: WebContact, reference: str) -> Response:
    ticket = tickets.get_ticket(desk, contact, reference)
    context = {
        "contact": contact,
        "ticket": ticket,
        "thread": thread(desk, contact, ticket),
        "rating": csat.rating_of(desk, contact, reference),
        # the desk's answer, waiting for "did this solve it?" (issue 17)
        "verdict_asked": answer_outcomes.awaiting_verdict(desk, contact, reference) is not None,
        "solved": ticket.status in (Status.SOLVED, Status.CLOSED),
        "closed": ticket.status is Status.CLOSED,
        # everyone of the organisation sees who is copied; the requester changes it
        "edits_ccs": ticket.requester_id == contact.id and ticket.status is not Status.CLOSED,
        "max_ccs": MAX_CCS,
        # the ticket's language, in which its mails are written too
        "language": portal_language(request, contact, ticket),
    }
    return render(request, "portal/ticket.html", context)


@router.post("/tickets/{reference}/answer", dependencies=[Csrf])
def judge_answer(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    reference: str,
    solved: Annotated[str, Form()] = "",
) -> Response:
    """The customer's "did this solve it?" on the desk's answer: yes solves the ticket
    (verified), no hands it to a person at L1."""
    yes = solved == "yes"
    answer_outcomes.judge_answer(desk, contact, reference, yes)
    notice = "answer_solved" if yes else "answer_not_solved"
    return go(request, f"/portal/tickets/{reference}?notice={notice}")


@router.post("/tickets/{reference}/messages", dependencies=[Csrf])
async def reply(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    reference: str,
    body: Annotated[str, Form()],
    files: Annotated[list[UploadFile] | None, File()] = None,
    form_key: forms.FormKey = None,
) -> Response:
    if not body.strip():
        raise portal_fill_in(request, {"body": "portal.message"})
    uploads = await forms.attachments(files or [], desk.max_attachment_bytes)
    # Sent before (Back, then Send again): nothing is added, the answer is the first one's.
    with suppress(RepeatedRequestError):
        await run_in_threadpool(
            add_message,
            desk,
            contact,
            reference,
            MessageKind.CUSTOMER,
            text=body,
            channel=Channel.PORTAL,
            attachments=uploads,
            idempotency_key=form_key,
        )
    return go(request, f"/portal/tickets/{reference}?notice=sent")


@router.post("/tickets/{reference}/ccs", dependencies=[Csrf])
def change_ccs(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    reference: str,
    add: Annotated[str, Form()] = "",
    remove: Annotated[str, Form()] = "",
) -> Response:
    """The requester adds addresses to those copied on the ticket, or removes one. What the
    rules refuse is said in the page's language, next to the field."""
    try:
        portal.change_ccs(desk, contact, reference, split_addresses(add), split_addresses(remove))
    except (InvalidInputError, PermissionDeniedError) as refused:
        language = portal_language(request, contact, tickets.get_ticket(desk, contact, reference))
        # Worded here for the customer: the portal's error page shows it as it is.
        worded = CustomerInputError if isinstance(refused, InvalidInputError) else type(refused)
        raise worded(_cc_refusal(language, refused), **refused.data) from refused
    return go(request, f"/portal/tickets/{reference}?notice=ccs_saved")


def _cc_refusal(language: str, refused: TierdeskError) -> str:
    if isinstance(refused, PermissionDeniedError):
        return customer_text(language, "portal.ccs_requester_only")
    if refused.data.get("requester"):
        return customer_text(language, "portal.error.cc_yourself")
    if "limit" in refused.data:
        return customer_text(language, "portal.error.too_many_ccs", limit=refused.data["limit"])
    address = str(refused.data.get("address", ""))
    return customer_text(language, "portal.error.cc_address", address=address)


@router.post("/tickets/{reference}/rating", dependencies=[Csrf])
def rate(
    request: Request,
    desk: DeskDep,
    contact: WebContact,
    reference: str,
    score: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
) -> Response:
    if not (score.isascii() and score.isdigit() and 1 <= int(score) <= 5):
        said = customer_text(portal_language(request, contact), "portal.error.rating")
        raise CustomerInputError(said, field="score")
    csat.rate_ticket(desk, contact, reference, int(score), comment)
    return go(request, f"/portal/tickets/{reference}?notice=rated")


@router.get("/tickets/{reference}/attachments/{attachment_id}")
def attachment(
    desk: DeskDep, contact: WebContact, reference: str, attachment_id: RecordId
) -> Response:
    return download(desk, contact, reference, attachment_id)
