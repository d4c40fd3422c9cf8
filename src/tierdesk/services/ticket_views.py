"""A ticket as one actor reads it, in one transaction: the ticket, the links and thread they may
see, and the catalogue that names its product; and a list of tickets the same way.

The API's ticket detail used to read them in four (the ticket, the catalogue, the links, the
thread, and the levels behind "may read restricted files" a fifth), each a session, a pooled
connection and on PostgreSQL a BEGIN and a ROLLBACK more; a ticket read was six transactions
with the token's (bench/README.md, 2026-12-06)."""

from __future__ import annotations

from dataclasses import dataclass

from tierdesk.domain.catalog import Product
from tierdesk.domain.people import Actor
from tierdesk.domain.tickets import Ticket, TicketLink
from tierdesk.ports import TicketFilter, TicketKeyset, TicketSort, UnitOfWork
from tierdesk.services import reference_data
from tierdesk.services.access import access_ticket, visible_links
from tierdesk.services.attachments import ThreadEntry, thread_in
from tierdesk.services.desk import Desk
from tierdesk.services.tickets import TicketPage, page_in


@dataclass(frozen=True)
class TicketView:
    ticket: Ticket
    products: dict[int, Product]  # the catalogue by id (shared by the process: only read it)
    links: list[TicketLink]  # those the reader may see
    thread: list[ThreadEntry]  # what the reader may read, merged tickets' messages included


def view_ticket(desk: Desk, actor: Actor, reference: int | str) -> TicketView:
    """The ticket named by id or number, as the actor may see it (not found when they may
    not)."""
    with desk.uow() as uow:
        return _view(desk, uow, actor, access_ticket(uow, actor, reference, desk.ticket_prefix))


def view_of(desk: Desk, actor: Actor, ticket: Ticket) -> TicketView:
    """A ticket the caller holds already (one it just opened or changed), as the actor sees it."""
    with desk.uow() as uow:
        return _view(desk, uow, actor, ticket)


@dataclass(frozen=True)
class TicketListView:
    page: TicketPage  # the tickets without their threads
    products: dict[int, Product]
    links: dict[int, list[TicketLink]]  # by ticket id, those the reader may see


def view_list(
    desk: Desk,
    actor: Actor,
    filters: TicketFilter,
    limit: int,
    *,
    sort: TicketSort,
    after: TicketKeyset | None = None,
) -> TicketListView:
    """A page of the tickets the actor may see (``tickets.list_tickets``) with what a list
    shows of each, in one transaction."""
    with desk.uow() as uow:
        page = page_in(uow, actor, filters, limit, thread=False, sort=sort, after=after)
        links = visible_links(uow, actor, page.tickets)
        return TicketListView(page, reference_data.products_by_id(desk.reference, uow), links)


def _view(desk: Desk, uow: UnitOfWork, actor: Actor, ticket: Ticket) -> TicketView:
    links = visible_links(uow, actor, [ticket]).get(ticket.id or 0, [])
    products = reference_data.products_by_id(desk.reference, uow)
    return TicketView(ticket, products, links, thread_in(desk, uow, actor, ticket))
