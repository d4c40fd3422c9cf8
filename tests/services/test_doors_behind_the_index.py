"""Answers built from search hits go through the reader's door, whatever the index says.

The index keeps its own copy of each ticket's access columns (organisation, level, queue,
assignee) so that a search is filtered before it is ranked. That copy is only a first filter:
it can be behind the ticket (the demo's history indexes once at its end; a row written by an
older version). Each test files another organisation's ticket under the reader's
organisation in the index, and fails if the path serving the reader stops checking.
"""

from __future__ import annotations

from dataclasses import replace

from tests.factories import make_contact, make_organisation, make_ticket
from tests.follow_ups import run_follow_ups
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Contact
from tierdesk.domain.tickets import Ticket
from tierdesk.services import conversation, deflection, tickets
from tierdesk.services import search as search_services
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.search import ticket_documents

TEXT = "The fax line is dead since Monday morning."


def index_files_it_under(desk: Desk, ticket: Ticket, reader: Contact) -> None:
    """Store ``ticket``'s search documents as if it belonged to ``reader``'s organisation."""
    assert desk.search is not None and ticket.number is not None
    stored = tickets.get_ticket(desk, SYSTEM, ticket.number)
    theirs = reader.organisation_id
    with desk.uow() as uow:
        documents = [replace(d, organisation_id=theirs) for d in ticket_documents(stored)]
        desk.search.store(uow, documents)
        uow.commit()


def world(desk: Desk) -> tuple[Contact, Ticket, Ticket]:
    """A reader, a colleague's ticket they may see, and another organisation's look-alike that
    the index files under the reader's organisation."""
    ours = make_organisation(desk)
    reader = make_contact(desk, organisation=ours)
    colleague = make_contact(desk, organisation=ours)
    own = make_ticket(desk, contact=colleague, subject="Fax line dead", body=TEXT)
    theirs = make_ticket(desk, subject="Fax line dead", body=TEXT)
    run_follow_ups(desk)  # indexed as the desk indexes them, before the index is told otherwise
    return reader, own, theirs


def solve_with_a_reply(desk: Desk, ticket: Ticket, reply: str) -> None:
    assert ticket.number is not None
    conversation.add_message(desk, SYSTEM, ticket.number, MessageKind.PUBLIC_REPLY, text=reply)
    tickets.solve_ticket(desk, SYSTEM, ticket.number, reply)


def test_searching_never_finds_a_ticket_the_reader_may_not_see_whatever_the_index_says(
    desk: Desk,
) -> None:
    reader, own, theirs = world(desk)
    index_files_it_under(desk, theirs, reader)

    found = [f.ticket.number for f in search_services.search_tickets(desk, reader, "fax line")]

    assert own.number in found
    assert theirs.number not in found


def test_similar_tickets_never_include_one_the_reader_may_not_see_whatever_the_index_says(
    desk: Desk,
) -> None:
    reader, own, theirs = world(desk)
    mine = make_ticket(desk, contact=reader, subject="Our fax line is dead", body=TEXT)
    run_follow_ups(desk)
    index_files_it_under(desk, theirs, reader)

    found = search_services.similar_tickets(desk, reader, mine.number or "")

    numbers = [s.ticket.number for s in found.open + found.solved]
    assert own.number in numbers
    assert theirs.number not in numbers


def test_portal_suggestions_never_quote_a_ticket_the_reader_may_not_see_whatever_the_index_says(
    desk: Desk,
) -> None:
    reader, own, theirs = world(desk)
    solve_with_a_reply(desk, own, "Plug the fax into port 2 of the adapter.")
    solve_with_a_reply(desk, theirs, "Their secret: the fax shares a line with the alarm.")
    index_files_it_under(desk, theirs, reader)

    suggested = deflection.suggest_while_typing(desk, reader, TEXT)

    sources = [s.source for s in suggested]
    assert f"ticket:{own.number}" in sources
    assert f"ticket:{theirs.number}" not in sources
    assert not any("alarm" in s.text for s in suggested)
