"""Tickets in the search index, and the questions every level asks of it: "has anyone hit this
before?" (similar solved tickets), "is this the same problem as an open one?" (duplicate
candidates) and, with ``services.knowledge``, "what does the manual say?".

A ticket is two search documents: its public text (subject, customer messages, public replies,
the answer written for the customer) and its internal text (notes, the engineers'
resolution). Searches for customers never consider the internal one, and see
only their own organisation's tickets (``domain.visibility``). Agents also find solved
tickets beyond their own scope, as solutions (``visibility.solution_of``): what fixed it
last time, whatever level fixed it, without the ticket itself or its notes. The index
follows every ticket event inside the committing transaction, so a ticket is searchable as
soon as it is stored; text that did not change is not embedded again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.imports import TICKET_IMPORTED
from tierdesk.domain.knowledge import (
    AGENTS_ONLY_KINDS,
    KNOWLEDGE_KINDS,
    DocumentKind,
    ScoredDocument,
    SearchDocument,
    SearchFilter,
)
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor
from tierdesk.domain.ticket_values import ticket_numbers_in
from tierdesk.domain.tickets import Status, Ticket, format_ticket_number
from tierdesk.domain.visibility import SolutionView, may_read_internal, scope_for
from tierdesk.errors import ConfigurationError, InvalidInputError, TicketNotFoundError
from tierdesk.ports import SearchIndex, UnitOfWork
from tierdesk.services.access import (
    TicketOrSolution,
    access_ticket,
    access_ticket_or_solution,
    access_tickets_or_solutions,
    desk_merged_sources,
    desk_ticket_page,
    visible_links,
)
from tierdesk.services.desk import Desk
from tierdesk.services.follow_ups import FOLLOWED_UP

MAX_RESULTS = 50

_Named = TypeVar("_Named")  # what a ticket number found: the ticket, or its solution


def require_search(desk: Desk) -> SearchIndex:
    if desk.search is None:
        raise ConfigurationError("this desk was started without a search index")
    return desk.search


# -- what a ticket looks like to the index --------------------------------------------------


def ticket_documents(ticket: Ticket, merged: Sequence[Ticket] = ()) -> list[SearchDocument]:
    """``merged``: the tickets merged into this one (``access.desk_merged_sources``), whose
    public messages are part of its conversation, so of its public document. Their notes stay
    in their own notes documents, behind their own scope: the surviving ticket may be open to
    agents who may not read them (``visibility.visible_merged_messages``)."""
    thread = sorted(
        [*ticket.messages, *(m for source in merged for m in source.messages)],
        key=lambda m: (m.created_at, m.id or 0),
    )
    public = [m.body_text for m in thread if m.kind.is_public]
    notes = [m.body_text for m in ticket.messages if m.kind is MessageKind.INTERNAL_NOTE]
    # The public document is what a customer may be shown: the answer written for them. The
    # resolution is written for colleagues, so it is searched with the internal notes.
    if ticket.public_answer:
        public.append(f"Answer: {ticket.public_answer}")
    if ticket.resolution:
        notes.append(f"Resolution: {ticket.resolution}")
    documents = [_ticket_document(ticket, DocumentKind.TICKET, public)]
    if notes:
        documents.append(_ticket_document(ticket, DocumentKind.TICKET_NOTES, notes))
    return documents


def _ticket_document(ticket: Ticket, kind: DocumentKind, texts: list[str]) -> SearchDocument:
    assert ticket.id is not None  # indexed after the flush that gave it an id
    suffix = ":notes" if kind is DocumentKind.TICKET_NOTES else ""
    return SearchDocument(
        key=f"ticket:{ticket.id}{suffix}",
        kind=kind,
        title=ticket.subject,
        body="\n\n".join(texts),
        ticket_id=ticket.id,
        organisation_id=ticket.organisation_id,
        status=str(ticket.status),
        tier=int(ticket.tier),
        queue=ticket.queue,
        assignee_id=ticket.assignee_id,
        citation={"ticket": ticket.number},
    )


def page_documents(uow: UnitOfWork, page: list[Ticket]) -> list[SearchDocument]:
    """The documents of a page of tickets being indexed again (one query per merge step)."""
    merged = desk_merged_sources(uow, page, why="index rebuild")
    return [d for t in page for d in ticket_documents(t, merged.get(t.id or 0, []))]


def query_text(actor: Actor, ticket: Ticket) -> str:
    """A ticket as a query: what this actor may read of it."""
    readable = [
        m.body_text for m in ticket.messages if m.kind.is_public or may_read_internal(actor)
    ]
    return "\n".join([ticket.subject, *readable])


def index_settled_ticket(
    uow: UnitOfWork, desk: Desk, ticket: Ticket, events: Sequence[AuditEvent]
) -> None:
    """Once per transaction, for every ticket it raised events on (services/handlers.py::
    SETTLED_HANDLERS): the ticket as the transaction leaves it. A new ticket or message is
    indexed by its follow-up job instead, after enrichment (services/follow_ups.py)."""
    if any(e.action in FOLLOWED_UP for e in events):
        return
    if any(e.action != TICKET_IMPORTED for e in events):
        _store_ticket(uow, desk, ticket)


def index_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """A step of a new ticket's or message's follow-up: keep the ticket's documents current."""
    if event.action != TICKET_IMPORTED:
        _store_ticket(uow, desk, ticket)


def _store_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket) -> None:
    """New text is embedded, anything else (status, level, queue, assignee) only updates what
    access checks read. (An import indexes its tickets once, at its end:
    services/imports.py::finish_import; storing each one's text as it came only to store it
    again then doubled its time.)"""
    if desk.search is None:
        return
    assert ticket.id is not None
    merged = desk_merged_sources(uow, [ticket], why="merged thread")[ticket.id]
    documents = ticket_documents(ticket, merged)
    desk.search.store(uow, documents)
    if len(documents) == 1:
        uow.search.remove([f"ticket:{ticket.id}:notes"])


# -- who may find what ----------------------------------------------------------------------


def search_filter(
    actor: Actor,
    kinds: tuple[DocumentKind, ...],
    *,
    exclude_ticket_id: int | None = None,
    product: str | None = None,
    solutions: bool = False,
) -> SearchFilter:
    """``solutions``: an agent also finds solved tickets beyond their scope (their public
    document only), to be shown through ``access_tickets_or_solutions``."""
    scope = scope_for(actor)
    if not may_read_internal(actor):
        kinds = tuple(k for k in kinds if k not in AGENTS_ONLY_KINDS)
        solutions = False
    return SearchFilter(
        kinds=kinds,
        everything=scope.everything,
        organisation_id=scope.organisation_id,
        agent_id=scope.agent_id,
        max_tier=scope.max_tier,
        queues=scope.queues,
        nothing=scope.nothing,
        exclude_ticket_id=exclude_ticket_id,
        product=product,
        solutions=solutions,
    )


# -- similar tickets ------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarTicket:
    ticket: Ticket | None  # None: beyond the reader, who reads only its solution
    score: float
    why: str
    links: list[tuple[str, str]]  # (link kind, ticket number) of the similar ticket
    solution: SolutionView | None = None  # a solved ticket's, for agents
    confidence: float = 1.0  # calibrated P(right), ``assist.confidence``

    @property
    def number(self) -> str:
        if self.solution is not None:
            return self.solution.number
        assert self.ticket is not None
        return self.ticket.number or str(self.ticket.id)

    @property
    def subject(self) -> str:
        if self.solution is not None:
            return self.solution.subject
        assert self.ticket is not None
        return self.ticket.subject

    @property
    def status(self) -> str:
        if self.solution is not None:
            return self.solution.status
        assert self.ticket is not None
        return str(self.ticket.status)

    @property
    def openable(self) -> bool:
        """The reader may open the ticket itself (link to it only then)."""
        return self.ticket is not None


@dataclass(frozen=True)
class SimilarTickets:
    solved: list[SimilarTicket]  # with their resolution: what fixed it last time
    open: list[SimilarTicket]  # duplicate candidates, offered for linking or merging


def _best_per_ticket(
    uow: UnitOfWork, found: list[ScoredDocument]
) -> list[tuple[int, ScoredDocument]]:
    documents = uow.search.documents([s.document_id for s in found])
    best: dict[int, ScoredDocument] = {}
    for scored in found:
        document = documents.get(scored.document_id)
        if document is None or document.ticket_id is None:
            continue
        if document.ticket_id not in best:
            best[document.ticket_id] = scored
    return list(best.items())


def similar_tickets(
    desk: Desk, actor: Actor, reference: int | str, limit: int = 5
) -> SimilarTickets:
    index = require_search(desk)
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        where = search_filter(
            actor,
            (DocumentKind.TICKET, DocumentKind.TICKET_NOTES),
            exclude_ticket_id=ticket.id,
            solutions=True,
        )
        found = index.search(uow, query_text(actor, ticket), where, MAX_RESULTS)
        solved: list[SimilarTicket] = []
        duplicates: list[SimilarTicket] = []
        best = dict(_best_per_ticket(uow, found))
        number = partial(format_ticket_number, desk.ticket_prefix)  # without loading the target
        # The index filter already scopes by organisation and level; the door has the last word.
        shown = access_tickets_or_solutions(uow, actor, best)
        links = visible_links(uow, actor, [s.ticket for s in shown if s.ticket is not None])
        for other in shown:
            scored = best[other.ticket_id]
            similar = SimilarTicket(
                other.ticket,
                round(scored.score, 4),
                scored.why,
                [
                    (str(link.kind), number(link.target_ticket_id))
                    for link in links.get(other.ticket_id, [])
                ],
                other.solution,
                scored.confidence,
            )
            active = other.ticket is not None and other.ticket.status.is_active
            target = duplicates if active else solved
            if len(target) < limit:
                target.append(similar)
        return SimilarTickets(solved, duplicates)


@dataclass(frozen=True)
class FoundTicket:
    ticket: Ticket | None  # None: beyond the reader, who reads only its solution
    score: float
    why: str
    named: bool = False  # the query names this ticket by its number
    solution: SolutionView | None = None  # a solved ticket's, for agents
    confidence: float = 1.0  # calibrated P(right); 1.0 for a ticket named by its number

    @property
    def number(self) -> str:
        if self.solution is not None:
            return self.solution.number
        assert self.ticket is not None
        return self.ticket.number or str(self.ticket.id)


def search_tickets(desk: Desk, actor: Actor, query: str, limit: int = 20) -> list[FoundTicket]:
    """Tickets the actor may see whose text answers ``query``, best first: the workspace's
    "search everything" box. A ticket the query names by its number ("TD-1454", "td-1454",
    or "1454" in a query of a few words) comes first, if the actor may see it. Internal
    notes count only for those who may read them."""
    if not query.strip():
        raise InvalidInputError("say what to search for", field="q")
    if limit < 1 or limit > MAX_RESULTS:
        raise InvalidInputError(f"limit must be between 1 and {MAX_RESULTS}", field="limit")
    index = require_search(desk)
    with desk.uow() as uow:
        named_hits = _named_hits(uow, actor, query, desk.ticket_prefix)[:limit]
        results = [
            FoundTicket(hit.ticket, 1.0, "", named=True, solution=hit.solution)
            for hit in named_hits
        ]
        results = [replace(f, why=f"its number is {f.number}") for f in results]
        named = {hit.ticket_id for hit in named_hits}
        where = search_filter(
            actor, (DocumentKind.TICKET, DocumentKind.TICKET_NOTES), solutions=True
        )
        found = index.search(uow, query, where, MAX_RESULTS) if len(results) < limit else []
        best = {i: scored for i, scored in _best_per_ticket(uow, found) if i not in named}
        # The index filter already scopes by organisation and level; the door has the last word.
        for hit in access_tickets_or_solutions(uow, actor, best)[: limit - len(results)]:
            scored = best[hit.ticket_id]
            results.append(_found(hit, scored))
        return results


def _found(hit: TicketOrSolution, scored: ScoredDocument) -> FoundTicket:
    """A ticket the reader may open, as itself; one beyond them, as its solution only."""
    return FoundTicket(
        hit.ticket,
        round(scored.score, 4),
        scored.why,
        solution=hit.solution,
        confidence=scored.confidence,
    )


def search_solutions(
    desk: Desk, actor: Actor, query: str, limit: int = 5, *, named_first: bool = False
) -> list[FoundTicket]:
    """Solved tickets whose public text answers ``query``, each as its solution: the knowledge
    base's "how was this solved before?", for agents, whatever level solved it. Customers get
    none here: their suggestions come from their own organisation (``services.deflection``).
    ``named_first`` (a person's search box): a solved ticket the query names by its number
    comes first; never for the answerer, whose query is a customer's text ("about TD-1454")
    and whose answer must come from a match, not from a number."""
    if not query.strip():
        raise InvalidInputError("say what to search for", field="q")
    if limit < 1 or limit > MAX_RESULTS:
        raise InvalidInputError(f"limit must be between 1 and {MAX_RESULTS}", field="limit")
    if not may_read_internal(actor):
        return []
    index = require_search(desk)
    with desk.uow() as uow:
        where = replace(
            search_filter(actor, (DocumentKind.TICKET,), solutions=True),
            statuses=(str(Status.SOLVED), str(Status.CLOSED)),
        )
        # A solved ticket the query names by its number comes first (how was TD-1454 solved?).
        named_hits = _named_hits(uow, actor, query, desk.ticket_prefix) if named_first else []
        found = [
            FoundTicket(hit.ticket, 1.0, f"its number is {hit.solution.number}", True, hit.solution)
            for hit in named_hits
            if hit.solution is not None
        ]
        named = {f.solution.ticket_id for f in found if f.solution is not None}
        best = dict(_best_per_ticket(uow, index.search(uow, query, where, MAX_RESULTS)))
        found += [
            _found(hit, best[hit.ticket_id])
            for hit in access_tickets_or_solutions(uow, actor, best)
            if hit.solution is not None and hit.ticket_id not in named
        ]
        return found[:limit]


def ticket_named_by(desk: Desk, actor: Actor, query: str) -> Ticket | None:
    """The ticket a search box query is nothing but the reference of ("TD-1454", "td-1454",
    "#1454", "1454"), when the actor may open it: the box then opens the ticket. None
    otherwise — also for a number the actor may not see, which is then searched as text like
    any other word (a redirect would tell them it exists)."""
    asked = query.strip()
    if not asked or len(asked.split()) != 1:
        return None
    with desk.uow() as uow:
        named = _named_tickets(uow, actor, asked, desk.ticket_prefix)
    return named[0] if len(named) == 1 else None


def _named_tickets(uow: UnitOfWork, actor: Actor, query: str, prefix: str) -> list[Ticket]:
    """The tickets ``query`` names by number that the actor may see (through the one door:
    a number the actor may not see is as absent as one that does not exist)."""
    return _named(query, prefix, lambda number: access_ticket(uow, actor, number, prefix))


def _named_hits(uow: UnitOfWork, actor: Actor, query: str, prefix: str) -> list[TicketOrSolution]:
    """The tickets ``query`` names by number, as the search shows them: the ticket where the
    actor may open it, else the solution of a solved one (every agent's knowledge, whatever
    level solved it); any other number is as absent as one that does not exist."""
    return _named(
        query, prefix, lambda number: access_ticket_or_solution(uow, actor, number, prefix)
    )


def _named(query: str, prefix: str, look_up: Callable[[str], _Named]) -> list[_Named]:
    seen = []
    for number in ticket_numbers_in(query, prefix):
        try:
            seen.append(look_up(number))
        except TicketNotFoundError:
            continue
    return seen


# -- the index as a whole -------------------------------------------------------------------


def rebuild_index(desk: Desk, progress: Callable[[int], None] | None = None) -> int:
    """Embed and index every ticket and every manual section again (after changing the
    model, or to repair an index). Returns how many documents were stored."""
    index = require_search(desk)
    with desk.uow() as uow:
        uow.search.remove_kinds([DocumentKind.TICKET, DocumentKind.TICKET_NOTES])
        knowledge = uow.search.of_kinds(KNOWLEDGE_KINDS)
        uow.commit()
    count = 0
    for start in range(0, len(knowledge), 64):
        with desk.uow() as uow:
            count += index.store(uow, knowledge[start : start + 64], force=True)
            uow.commit()
        if progress is not None:
            progress(len(knowledge[start : start + 64]))
    before: int | None = None
    while True:
        with desk.uow() as uow:
            page = desk_ticket_page(uow, 100, before, why="index rebuild")
            # one store call per page: the embedder gets one large batch, not one per ticket
            documents = page_documents(uow, page)
            count += index.store(uow, documents, force=True)
            uow.commit()
        if not page:
            break
        before = page[-1].id
        if progress is not None:
            progress(len(page))
    return count


def index_size(desk: Desk) -> dict[str, int]:
    with desk.uow() as uow:
        return {str(kind): uow.search.count([kind]) for kind in DocumentKind}
