"""/api/v1/tickets: the ticket resource and the actions on it."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from tierdesk.domain.audit_query import MAX_RECORD_ID
from tierdesk.domain.catalog import Product
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Contact, Tier
from tierdesk.domain.tickets import Priority, Status, Ticket, TicketLink, TicketType
from tierdesk.entrypoints.web.api.one_time_keys import OneTimeKey, one_time, replayed
from tierdesk.entrypoints.web.deps import CurrentActor, DeskDep
from tierdesk.entrypoints.web.downloads import download_response
from tierdesk.entrypoints.web.ids import RecordId
from tierdesk.entrypoints.web.moments import Moment
from tierdesk.entrypoints.web.pagination import (
    Page,
    PageQuery,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
    paginate,
)
from tierdesk.entrypoints.web.schemas import (
    AttachmentIn,
    EventOut,
    LinkCreate,
    MergeRequest,
    MessageCreate,
    MessageOut,
    Reason,
    RequiredReason,
    Resolution,
    SplitRequest,
    TicketCreate,
    TicketDetail,
    TicketList,
    TicketOut,
    TicketPatch,
)
from tierdesk.errors import InvalidInputError, RepeatedRequestError
from tierdesk.ports import TicketFilter, TicketKeyset, TicketSort
from tierdesk.services import tickets as ticket_services
from tierdesk.services.attachments import attachments_of, open_attachment
from tierdesk.services.conversation import NewAttachment, add_message
from tierdesk.services.desk import Desk
from tierdesk.services.repeats import message_added_with, ticket_opened_with
from tierdesk.services.ticket_splits import split_ticket
from tierdesk.services.ticket_views import TicketView, view_list, view_of, view_ticket

router = APIRouter(prefix="/tickets", tags=["tickets"])

TicketRef = Annotated[str, "A ticket id (42) or number (TD-1042)"]


def summaries(desk: Desk, actor: CurrentActor, shown: list[Ticket]) -> list[TicketOut]:
    """Tickets as this actor may see them, links included (customers: only links to tickets
    they may see, without who made them)."""
    products = ticket_services.products_by_id(desk)
    return _outs(actor, shown, products, ticket_services.shown_links(desk, actor, shown))


def _outs(
    actor: CurrentActor,
    shown: list[Ticket],
    products: dict[int, Product],
    links: dict[int, list[TicketLink]],
) -> list[TicketOut]:
    return [TicketOut.of(t, products, links.get(t.id or 0, []), actor) for t in shown]


def detail(desk: Desk, actor: CurrentActor, ticket: Ticket) -> TicketDetail:
    """The ticket as this actor may see it: public thread only for customers, restricted
    diagnostics only for levels that may read them."""
    return _detail_of(actor, view_of(desk, actor, ticket))


def _detail_of(actor: CurrentActor, view: TicketView) -> TicketDetail:
    out = TicketOut.of(view.ticket, view.products, view.links, actor)
    # built from a validated summary: validating its fields again cost a tenth of a read
    return TicketDetail.model_construct(**dict(out), messages=_messages(view))


def _messages(view: TicketView) -> list[MessageOut]:
    return [MessageOut.of(e.message, e.attachments, e.merged_from) for e in view.thread]


def _attachments(items: list[AttachmentIn]) -> list[NewAttachment]:
    decoded = []
    for item in items:
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInputError(
                f"attachment {item.filename!r} is not valid base64", field="attachments"
            ) from exc
        decoded.append(NewAttachment(item.filename, data, item.content_type, item.restricted))
    return decoded


def _encode_cursor(sort: TicketSort, last: Ticket) -> str:
    value = {"created": last.created_at, "updated": last.updated_at}.get(sort.key, last.priority)
    return encode_cursor("t", str(sort), str(value), last.id)


def _decode_cursor(cursor: str | None, sort: TicketSort) -> TicketKeyset | None:
    """The keyset a cursor resumes after; one handed out for another ``sort`` is refused."""
    if not cursor:
        return None
    values = decode_cursor(cursor)
    if len(values) != 4 or values[:2] != ["t", str(sort)] or not isinstance(values[3], int):
        raise invalid_cursor()
    if not 1 <= values[3] <= MAX_RECORD_ID:
        raise invalid_cursor()
    if sort.key == "priority":
        return TicketKeyset(str(values[2]), values[3])
    try:
        return TicketKeyset(datetime.fromisoformat(str(values[2])), values[3])
    except ValueError:
        raise invalid_cursor() from None


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TicketDetail)
def create_ticket(
    body: TicketCreate,
    desk: DeskDep,
    actor: CurrentActor,
    response: Response,
    one_time_key: OneTimeKey = None,
) -> TicketDetail:
    """Open a ticket. A customer's token opens it for themselves; an agent names the
    requester. Attachments travel base64-encoded in the body. With an `Idempotency-Key`, a
    retry opens nothing and is answered with the ticket the first opened."""
    new = ticket_services.NewTicket(
        subject=body.subject,
        body_text=body.body,
        body_html=body.body_html,
        requester_id=body.requester_id,
        channel=Channel.API,
        type=body.type,
        priority=body.priority,
        catalog=ticket_services.CatalogRef(body.product, body.component, body.version),
        queue=body.queue,
        language=body.language,
        tags=body.tags,
        custom_fields=body.custom_fields,
        attachments=_attachments(body.attachments),
    )
    with one_time(one_time_key) as key:
        try:
            ticket = ticket_services.open_ticket(desk, actor, new, idempotency_key=key)
        except RepeatedRequestError:
            assert key is not None
            replayed(response)
            again = ticket_opened_with(
                desk, actor, key, subject=body.subject, text=body.body, html=body.body_html
            )
            return _detail_of(actor, again)
    return detail(desk, actor, ticket)


@router.get("", response_model=TicketList)
def list_tickets(
    desk: DeskDep,
    actor: CurrentActor,
    page: PageQuery,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    priority: Annotated[list[Priority] | None, Query()] = None,
    type_: Annotated[list[TicketType] | None, Query(alias="type")] = None,
    level: Annotated[list[int] | None, Query(description="0-4")] = None,
    queue: str | None = None,
    assignee_id: RecordId | None = None,
    unassigned: bool = False,
    organisation_id: RecordId | None = None,
    requester_id: RecordId | None = None,
    product: str | None = Query(default=None, description="Product key or name"),
    tag: str | None = None,
    q: str | None = Query(default=None, max_length=200, description="Words in the subject"),
    updated_since: Annotated[
        Moment | None,
        Query(description="Only tickets changed at or after this ISO 8601 time (UTC if no zone)"),
    ] = None,
    sort: Annotated[
        TicketSort,
        Query(description="`created`, `updated` or `priority` (P1 first); `-` reverses"),
    ] = TicketSort.NEWEST,
) -> TicketList:
    """Tickets the caller may see, newest first, filtered by any of the parameters; `total`
    counts every match. Page on with `cursor`, the `next_cursor` of the previous page."""
    product_id = None
    if product:
        wanted = product.lower()
        catalogue = ticket_services.list_products(desk)
        match = next((p for p in catalogue if wanted in (p.key, p.name.lower())), None)
        if match is None:
            raise InvalidInputError(f"unknown product {product!r}", field="product")
        product_id = match.id
    filters = TicketFilter(
        status=[str(s) for s in status_ or []],
        priority=[str(p) for p in priority or []],
        type=[str(t) for t in type_ or []],
        tier=[int(Tier.parse(v)) for v in level or []],
        queue=queue,
        assignee_id=assignee_id,
        unassigned=unassigned,
        organisation_id=organisation_id,
        requester_id=requester_id,
        product_id=product_id,
        tag=tag.strip().lower() if tag else None,
        text=q.strip() if q and q.strip() else None,
        updated_since=updated_since,
    )
    view = view_list(
        desk, actor, filters, page.limit, sort=sort, after=_decode_cursor(page.cursor, sort)
    )
    found = view.page
    more = found.next_before_id is not None and found.tickets
    return TicketList(
        items=_outs(actor, found.tickets, view.products, view.links),
        next_cursor=_encode_cursor(sort, found.tickets[-1]) if more else None,
        total=found.total,
    )


@router.get("/{ticket_ref}", response_model=TicketDetail)
def get_ticket(ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor) -> TicketDetail:
    """One ticket with its thread: customers see the public thread, agents what their level
    may read."""
    return _detail_of(actor, view_ticket(desk, actor, ticket_ref))


@router.patch("/{ticket_ref}", response_model=TicketDetail)
def patch_ticket(
    ticket_ref: TicketRef, body: TicketPatch, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Change a ticket's fields, priority, status or assignee; send only what changes."""
    sent = body.model_fields_set
    fields: dict[str, object] = {
        name: getattr(body, name)
        for name in ("subject", "type", "queue", "language", "tags", "custom_fields")
        if name in sent
    }
    catalog = None
    if sent & {"product", "component", "version"}:
        catalog = ticket_services.CatalogRef(body.product, body.component, body.version)
    changes = ticket_services.TicketChanges(
        fields=fields,
        catalog=catalog,
        priority=body.priority,
        status=body.status,
        assignee_id=body.assignee_id,
        unassign=body.unassign,
        reason=body.reason,
        requester_id=body.requester_id,
        followers=body.followers,
        ccs=body.ccs,
    )
    ticket = ticket_services.apply_changes(desk, actor, ticket_ref, changes)
    return detail(desk, actor, ticket)


@router.get("/{ticket_ref}/messages", response_model=Page[MessageOut])
def list_messages(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[MessageOut]:
    """A ticket's messages, oldest first, as the caller may see them."""
    return paginate(_messages(view_ticket(desk, actor, ticket_ref)), page)


@router.post(
    "/{ticket_ref}/messages", status_code=status.HTTP_201_CREATED, response_model=MessageOut
)
def create_message(
    ticket_ref: TicketRef,
    body: MessageCreate,
    desk: DeskDep,
    actor: CurrentActor,
    response: Response,
    one_time_key: OneTimeKey = None,
) -> MessageOut:
    """Add a message: a public reply or an internal note (agents), a customer message
    (customers). With an `Idempotency-Key`, a retry adds nothing and is answered with the
    message the first added."""
    kind = body.kind
    if isinstance(actor, Contact) and kind is MessageKind.PUBLIC_REPLY:
        # The default kind is the agents' one; what a customer writes is a customer message.
        # (A customer asking for an internal note is refused by the service, not rewritten.)
        kind = MessageKind.CUSTOMER
    with one_time(one_time_key) as key:
        try:
            _, message = add_message(
                desk,
                actor,
                ticket_ref,
                kind,
                text=body.body,
                html=body.body_html,
                channel=Channel.API,
                attachments=_attachments(body.attachments),
                idempotency_key=key,
            )
        except RepeatedRequestError:
            assert key is not None
            replayed(response)
            _, message = message_added_with(
                desk, actor, ticket_ref, key, kind=kind, text=body.body, html=body.body_html
            )
    return MessageOut.of(message, attachments_of(desk, actor, message))


@router.get("/{ticket_ref}/attachments/{attachment_id}")
def download_attachment(
    ticket_ref: TicketRef, attachment_id: RecordId, desk: DeskDep, actor: CurrentActor
) -> Response:
    """Download an attachment of this ticket, as its original file."""
    attachment, content = open_attachment(desk, actor, ticket_ref, attachment_id)
    return download_response(content, attachment.filename, attachment.content_type)


@router.get("/{ticket_ref}/events", response_model=Page[EventOut])
def list_events(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[EventOut]:
    """A ticket's history (status, priority, assignment, level changes), oldest first."""
    return paginate(
        [
            EventOut.model_validate(e)
            for e in ticket_services.ticket_events(desk, actor, ticket_ref)
        ],
        page,
    )


@router.post("/{ticket_ref}/solve", response_model=TicketDetail)
def solve(
    ticket_ref: TicketRef, body: Resolution, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Solve a ticket with the resolution (internal) and optionally the answer the customer sees."""
    ticket = ticket_services.solve_ticket(
        desk, actor, ticket_ref, body.resolution, body.public_answer
    )
    return detail(desk, actor, ticket)


@router.post("/{ticket_ref}/close", response_model=TicketDetail)
def close(ticket_ref: TicketRef, body: Reason, desk: DeskDep, actor: CurrentActor) -> TicketDetail:
    """Close a ticket for good."""
    ticket = ticket_services.close_ticket(desk, actor, ticket_ref, body.reason)
    return detail(desk, actor, ticket)


@router.post("/{ticket_ref}/reopen", response_model=TicketDetail)
def reopen(
    ticket_ref: TicketRef, body: RequiredReason, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Reopen a solved or closed ticket, with a reason."""
    ticket = ticket_services.reopen_ticket(desk, actor, ticket_ref, body.reason)
    return detail(desk, actor, ticket)


@router.post(
    "/{ticket_ref}/links", status_code=status.HTTP_201_CREATED, response_model=TicketDetail
)
def link(
    ticket_ref: TicketRef, body: LinkCreate, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Link this ticket to another (`related` or `duplicate-of`), named by id or number."""
    ticket = ticket_services.link_tickets(desk, actor, ticket_ref, body.target, body.kind)
    return detail(desk, actor, ticket)


@router.get("/{ticket_ref}/related", response_model=Page[TicketOut])
def related(
    ticket_ref: TicketRef, desk: DeskDep, actor: CurrentActor, page: PageQuery
) -> Page[TicketOut]:
    """Tickets that link to this one (duplicates of it, tickets merged into it…)."""
    return paginate(
        summaries(desk, actor, ticket_services.related_tickets(desk, actor, ticket_ref)), page
    )


@router.post("/{ticket_ref}/merge", response_model=TicketDetail)
def merge(
    ticket_ref: TicketRef, body: MergeRequest, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Merge this ticket into ``into``; returns the surviving ticket."""
    target = ticket_services.merge_tickets(desk, actor, ticket_ref, body.into, body.reason)
    return detail(desk, actor, target)


@router.post(
    "/{ticket_ref}/split", status_code=status.HTTP_201_CREATED, response_model=TicketDetail
)
def split(
    ticket_ref: TicketRef, body: SplitRequest, desk: DeskDep, actor: CurrentActor
) -> TicketDetail:
    """Open a ticket from one message of this one, linked to it; returns the new ticket."""
    new = split_ticket(desk, actor, ticket_ref, body.message_id, body.subject)
    return detail(desk, actor, new)
