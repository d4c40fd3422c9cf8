"""An agent opens a ticket for a caller (``/tickets/new``): the customer picked by name or
e-mail as the agent types, or added on the spot in an organisation; then the same use case as
the API's ``POST /api/v1/tickets`` opens it (routing, SLA clocks, acknowledgement and rules
follow from its ``ticket.opened``), on the phone channel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tierdesk.domain.messages import Channel
from tierdesk.domain.tickets import Priority, TicketType, format_ticket_number
from tierdesk.entrypoints.web.deps import DeskDep
from tierdesk.entrypoints.web.ids import typed_record_id
from tierdesk.entrypoints.web.pages import forms
from tierdesk.entrypoints.web.pages.rendering import go, render
from tierdesk.entrypoints.web.pages.sessions import Csrf, WebAgent
from tierdesk.errors import InvalidInputError, RepeatedRequestError
from tierdesk.services import people, tickets
from tierdesk.services.idempotency import earlier_ticket

router = APIRouter(include_in_schema=False)


@router.get("/tickets/new")
def new_ticket_page(request: Request, desk: DeskDep, agent: WebAgent) -> Response:
    context = {
        "user": agent,
        "organisations": sorted(
            people.list_organisations(desk, agent), key=lambda o: o.name.lower()
        ),
        "products": tickets.list_products(desk),
        "priorities": list(Priority),
        "types": list(TicketType),
    }
    return render(request, "ticket_new.html", context)


@router.get("/contacts/search")
def contact_choices(request: Request, desk: DeskDep, agent: WebAgent, q: str = "") -> Response:
    """The contacts a caller may be, as the agent types (the new-ticket form's picker)."""
    found = people.search_contacts(desk, agent, q)
    names = {o.id: o.name for o in people.list_organisations(desk, agent)}
    return render(
        request,
        "_contact_choices.html",
        {"user": agent, "found": found, "organisations": names, "q": q.strip()},
    )


def _requester(
    desk: DeskDep, agent: WebAgent, requester_id: str, name: str, email: str, organisation: str
) -> int:
    """The contact picked, or the one added now; never both (the one typed was dropped
    without a word when a customer was picked as well)."""
    if requester_id.strip() and (name.strip() or email.strip()):
        raise InvalidInputError(
            "you picked a customer and typed a new one: clear the new one's name and e-mail, "
            "or the customer picked",
            field="requester_id",
        )
    if requester_id.strip():
        picked = typed_record_id(requester_id)
        if picked is None:
            raise InvalidInputError("pick the customer from the list", field="requester_id")
        return picked
    if not (name.strip() or email.strip()):
        raise InvalidInputError(
            "pick the customer, or add them with a name, an e-mail address and an organisation",
            field="requester_id",
        )
    created = people.create_contact(
        desk, agent, people.NewContact(email=email, name=name, organisation=organisation)
    )
    assert created.contact.id is not None
    return created.contact.id


@router.post("/tickets/new", dependencies=[Csrf])
def open_for_caller(
    request: Request,
    desk: DeskDep,
    agent: WebAgent,
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    requester_id: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
    product: Annotated[str, Form()] = "",
    component: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "P3",
    type_: Annotated[str, Form(alias="type")] = "question",
    form_key: forms.FormKey = None,
) -> Response:
    if form_key and (first := earlier_ticket(desk, agent, form_key)) is not None:
        return go(request, f"/tickets/{format_ticket_number(desk.ticket_prefix, first)}")
    if not subject.strip():  # before a new contact is added for a ticket that cannot open
        raise InvalidInputError("a ticket needs a subject", field="subject")
    try:
        chosen_priority, chosen_type = Priority(priority), TicketType(type_)
    except ValueError as exc:
        raise InvalidInputError("choose a priority and a type from the lists") from exc
    new = tickets.NewTicket(
        subject=subject,
        body_text=body.strip() or None,
        requester_id=_requester(desk, agent, requester_id, name, email, organisation),
        channel=Channel.PHONE,
        type=chosen_type,
        priority=chosen_priority,
        catalog=tickets.CatalogRef(product or None, component or None, version or None),
    )
    try:
        ticket = tickets.open_ticket(desk, agent, new, idempotency_key=form_key)
        number = ticket.number
    except RepeatedRequestError as repeat:  # a double click that lost the race
        first_id = repeat.data.get("ticket_id")
        if not isinstance(first_id, int):
            return go(request, "/queue")
        number = format_ticket_number(desk.ticket_prefix, first_id)
    return go(request, f"/tickets/{number}?notice=Ticket+opened")
