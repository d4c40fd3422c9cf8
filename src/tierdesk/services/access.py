"""Every way to a ticket, and the check of what an actor may do with one.

Nothing outside this module reads the ticket repository (``tests/test_layers.py`` fails the
suite otherwise). There are two kinds of door:

- **An actor's** (``access_ticket``, ``access_tickets``, ``access_ticket_page``…): what this
  person or token may see, by ``domain/visibility.py``. Missing and not-yours look the same
  (``TicketNotFoundError``, or simply left out of a list), so nobody can probe for other
  organisations' ticket numbers.
- **The desk's own** (``desk_ticket``, ``desk_tickets``, ``desk_ticket_page``): work the desk
  does on its own behalf whoever set it going (an incident's update to every linked ticket,
  the SLA sweep, mail threading). Each call names its ``DeskPurpose``, so the list below is
  every place the desk reads tickets past the actors' doors. What such work then shows a
  person still goes through that person's door.
- **A solution's** (``access_tickets_or_solutions``): a solved ticket's solution is desk
  knowledge (``visibility.solution_of``), readable by every agent whatever level solved it,
  while the ticket itself stays behind the actor's door.

Event handlers are handed their ticket by the dispatcher and load none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tierdesk.domain.people import Actor, Agent, Contact, SystemActor
from tierdesk.domain.tickets import LinkKind, Ticket, TicketLink, parse_ticket_reference
from tierdesk.domain.visibility import (
    Scope,
    SolutionView,
    can_see,
    may_read_internal,
    scope_for,
    solution_of,
)
from tierdesk.errors import PermissionDeniedError, TicketNotFoundError
from tierdesk.ports import TicketFilter, TicketKeyset, TicketSort, UnitOfWork
from tierdesk.services import log_context

MERGED = LinkKind.MERGED_INTO

# -- an actor's doors -----------------------------------------------------------------------


def access_ticket(uow: UnitOfWork, actor: Actor, reference: int | str, prefix: str) -> Ticket:
    key = (
        parse_ticket_reference(str(reference), prefix) if isinstance(reference, str) else reference
    )
    ticket = uow.tickets.get(key) if isinstance(key, int) else uow.tickets.get_by_number(key)
    if ticket is None or not can_see(actor, ticket):
        raise TicketNotFoundError(reference)
    log_context.note_ticket(ticket.number or f"#{ticket.id}")
    return ticket


def access_ticket_if_there(
    uow: UnitOfWork, actor: Actor, ticket_id: int, prefix: str
) -> Ticket | None:
    """``access_ticket``, or None when there is no such ticket to see: for a background job
    named after a ticket, which may be gone (merged away, deleted) by the time it runs."""
    try:
        return access_ticket(uow, actor, ticket_id, prefix)
    except TicketNotFoundError:
        return None


def access_tickets(uow: UnitOfWork, actor: Actor, ticket_ids: Iterable[int]) -> list[Ticket]:
    """Of these tickets, those the actor may see, in the order given (each once), read in one
    query: a record page lists dozens of linked tickets, a search fifty candidates. One the
    actor may not see is left out as if it did not exist."""
    return [t for t in _in_order(uow, ticket_ids) if can_see(actor, t)]


def access_tickets_linking_to(uow: UnitOfWork, actor: Actor, ticket: Ticket) -> list[Ticket]:
    """The tickets that link to ``ticket`` (the other side of its links) the actor may see."""
    assert ticket.id is not None
    return [t for t in uow.tickets.linked_to(ticket.id) if can_see(actor, t)]


def access_ticket_page(
    uow: UnitOfWork,
    actor: Actor,
    filters: TicketFilter,
    limit: int,
    before_id: int | None,
    thread: bool = True,
    *,
    sort: TicketSort | None = None,
    after: TicketKeyset | None = None,
) -> list[Ticket]:
    """Up to ``limit`` of the tickets the actor may see that match ``filters``: newest first
    with ids below ``before_id``, or in ``sort`` order after ``after``. The visibility rule is
    applied in SQL (``Scope``). ``thread=False``: without their messages, for a list that shows
    none."""
    return uow.tickets.page(
        scope_for(actor), filters, limit, before_id, thread, sort=sort, after=after
    )


def count_visible_tickets(uow: UnitOfWork, actor: Actor, filters: TicketFilter) -> int:
    return uow.tickets.count(scope_for(actor), filters)


def visible_ticket_ids(uow: UnitOfWork, actor: Actor, ticket_ids: Iterable[int]) -> set[int]:
    """Of these ticket ids, those the actor may see, without loading the tickets."""
    wanted = set(ticket_ids)
    return uow.tickets.visible_ids(scope_for(actor), wanted) if wanted else set()


def visible_links(
    uow: UnitOfWork, actor: Actor, shown: Iterable[Ticket]
) -> dict[int, list[TicketLink]]:
    """Each ticket's links as this actor may see them: the vendor's people see them all; anyone
    else only links to tickets they may open themselves, so a customer never learns of another
    organisation's ticket through a link (one query for all of them)."""
    shown = list(shown)
    if may_read_internal(actor):
        return {t.id: list(t.links) for t in shown if t.id is not None}
    allowed = visible_ticket_ids(uow, actor, {lk.target_ticket_id for t in shown for lk in t.links})
    return {
        t.id: [link for link in t.links if link.target_ticket_id in allowed]
        for t in shown
        if t.id is not None
    }


# -- a solution's door ----------------------------------------------------------------------


@dataclass(frozen=True)
class TicketOrSolution:
    """One ticket a search found for an actor: the ticket itself when they may open it, its
    solution when it is solved and they are one of the vendor's people (at least one)."""

    ticket: Ticket | None
    solution: SolutionView | None

    @property
    def ticket_id(self) -> int:
        if self.solution is not None:
            return self.solution.ticket_id
        assert self.ticket is not None
        assert self.ticket.id is not None
        return self.ticket.id


def access_tickets_or_solutions(
    uow: UnitOfWork, actor: Actor, ticket_ids: Iterable[int]
) -> list[TicketOrSolution]:
    """Of these tickets, in the order given, those the actor may open and the solutions of
    solved ones they may not open but may read (every agent, whatever level solved it). Of a
    ticket beyond the actor only its ``SolutionView`` leaves this door, never the ticket; a
    ticket that is neither is left out as if it did not exist."""
    found = []
    for ticket in _in_order(uow, ticket_ids):
        openable = can_see(actor, ticket)
        solution = None
        if not ticket.status.is_active and may_read_internal(actor):
            assert ticket.id is not None
            solution = solution_of(actor, ticket, uow.record_links.of_ticket(ticket.id))
        if openable or solution is not None:
            found.append(TicketOrSolution(ticket if openable else None, solution))
    return found


def access_ticket_or_solution(
    uow: UnitOfWork, actor: Actor, reference: int | str, prefix: str
) -> TicketOrSolution:
    """One ticket named by id or number, as ``access_tickets_or_solutions`` would give it
    (drafting an article from tickets the agent names); neither is ``TicketNotFoundError``."""
    key = (
        parse_ticket_reference(str(reference), prefix) if isinstance(reference, str) else reference
    )
    ticket = uow.tickets.get(key) if isinstance(key, int) else uow.tickets.get_by_number(key)
    found = access_tickets_or_solutions(uow, actor, [ticket.id]) if ticket and ticket.id else []
    if not found:
        raise TicketNotFoundError(reference)
    return found[0]


# -- the desk's own doors -------------------------------------------------------------------

# Every reason the desk reads tickets on its own behalf. A new one is added here, on purpose.
DeskPurpose = Literal[
    "defect fix notice",  # a fixed defect's notice to every linked ticket
    "enhancement shipped notice",  # a shipped enhancement's notice to every linked ticket
    "enhancement votes",  # which requests touch a customer's organisation (no ticket text)
    "incident broadcast",  # an incident's update to every linked ticket
    "incident resolution",  # resolving an incident solves every linked ticket
    "incident banner",  # whether an open incident touches a customer's organisation (no text)
    "live updates",  # the changed tickets a web process's streams filter per agent (can_see)
    "history import",  # a ticket imported before, updated by a re-run of its import
    "index rebuild",  # every ticket, embedded and indexed again
    "mail receipt",  # which ticket a stored inbound mail went to, for its receipt
    "mail threading",  # which ticket a mail answers, before the sender's door decides
    "merged thread",  # the tickets merged into one: its thread and search document show theirs
    "side conversation mail",  # a side conversation's mail: quoted messages, a reply's ticket
    "SLA sweep",  # a due clock's warning or breach
    "time rules sweep",  # time-based automation rules judged on each candidate ticket
]


def desk_ticket(uow: UnitOfWork, key: int | str, *, why: DeskPurpose) -> Ticket | None:
    """One ticket by id or number, whoever may see it; None when there is none."""
    return uow.tickets.get(key) if isinstance(key, int) else uow.tickets.get_by_number(key)


def desk_tickets(uow: UnitOfWork, ticket_ids: Iterable[int], *, why: DeskPurpose) -> list[Ticket]:
    """These tickets, in the order given (each once, missing ones left out), in one query."""
    return _in_order(uow, ticket_ids)


def desk_ticket_page(
    uow: UnitOfWork, limit: int, before_id: int | None, *, why: DeskPurpose
) -> list[Ticket]:
    """Up to ``limit`` of all tickets, newest first, with ids below ``before_id``."""
    return uow.tickets.page(Scope(everything=True), TicketFilter(), limit, before_id)


def desk_merged_sources(
    uow: UnitOfWork, tickets: Iterable[Ticket], *, why: DeskPurpose
) -> dict[int, list[Ticket]]:
    """For each ticket, the tickets merged into it, directly or through one merged into it (A
    into B, then B into C: C has B and A), oldest first. What the reader then sees of them is
    ``visibility.visible_merged_messages``; one query per step of the chain, for all tickets."""
    found: dict[int, list[Ticket]] = {t.id: [] for t in tickets if t.id is not None}
    root = {ticket_id: ticket_id for ticket_id in found}  # a ticket met → whose thread it joins
    frontier = set(found)
    for _step in range(20):  # a chain of merges is short; the bound only guards a bad row
        if not frontier:
            break
        sources = [s for s in uow.tickets.merged_into(frontier) if s.id not in root]
        frontier = set()
        for source in sources:
            assert source.id is not None
            target = next(
                lk.target_ticket_id
                for lk in source.links
                if lk.kind is MERGED and lk.target_ticket_id in root
            )
            root[source.id] = root[target]
            found[root[target]].append(source)
            frontier.add(source.id)
    return {ticket_id: sorted(s, key=lambda t: t.id or 0) for ticket_id, s in found.items()}


def _in_order(uow: UnitOfWork, ticket_ids: Iterable[int]) -> list[Ticket]:
    wanted = list(dict.fromkeys(ticket_ids))
    found = {t.id: t for t in uow.tickets.get_many(wanted)} if wanted else {}
    return [found[i] for i in wanted if i in found]


# -- what an actor may do -------------------------------------------------------------------


def require_agent(actor: Actor, action: str) -> Agent | SystemActor:
    """Agents' work (notes, escalations, assignment…) is refused to customer contacts."""
    if isinstance(actor, Contact):
        raise PermissionDeniedError(f"customers cannot {action}", action=action)
    return actor


def require_lead(actor: Actor, action: str) -> None:
    if isinstance(actor, SystemActor):
        return
    if not isinstance(actor, Agent) or not actor.is_lead:
        raise PermissionDeniedError(f"only leads and admins can {action}", action=action)
