"""Knowing what is missing: record the questions the desk's knowledge did not answer, and show
leads the topics they fall into (the gaps view, ``/kb/gaps``).

Misses come from two places. A customer's portal search (the suggestions while they write a
ticket, or ``GET /kb/search`` with a contact's token) that returned nothing: the search applies
the relevance floor, so "nothing" means nothing above it. And a new ticket: a background job
(``knowledge.gap_check``, enqueued when the ticket is opened, so opening costs one row) asks
the index, as the assist panel would, for a manual passage, a known issue or a solved ticket.
Recording is cheap and never fails the search it follows. Misses hold customers' words: only
leads and admins read them, and they are pruned after ``knowledge.gap_retention_days``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.knowledge import KNOWLEDGE_KINDS, DocumentKind
from tierdesk.domain.knowledge_gaps import (
    KnowledgeMiss,
    MissSource,
    SuggestionRead,
    Topic,
    TopicItem,
    miss_text,
    one_per_draft,
    topics,
)
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor, Contact
from tierdesk.domain.tickets import Status, Ticket, format_ticket_number
from tierdesk.errors import InvalidInputError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import (
    access_ticket_if_there,
    access_tickets,
    require_lead,
)
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS, enqueue
from tierdesk.services.search import search_filter

logger = logging.getLogger(__name__)

GAP_CHECK_TASK = "knowledge.gap_check"
MAX_BOUNCES = 500  # bounced escalations a view groups (newest first)
MAX_READS = 5000
WINDOWS = (30, 90)  # the view's choices, in days


# -- recording ---------------------------------------------------------------------------


def note_customer_search(
    desk: Desk, actor: Actor, text: str, shown: Sequence[tuple[str, str]]
) -> None:
    """After a customer's search (``text``: a query, or a draft's subject line and problem):
    ``shown`` are the (source, title) of what it answered with.
    Nothing shown is a miss. A customer's drafts within ``gap_follow_minutes`` are one miss
    (the suggestions follow each pause in typing), which follows the draft: its latest words,
    withdrawn once the draft finds an answer. Never raises: a miss that cannot be stored must
    not cost the customer their search."""
    if not isinstance(actor, Contact) or actor.id is None:
        return
    # A draft is its subject line and the start of its problem, as a new ticket's miss is.
    first, _, rest = text.strip().partition("\n")
    words = miss_text(first, rest)
    if not words:
        return
    try:
        _note(desk, actor, words, shown)
    except Exception:  # the search's answer matters more than its record; logged, not lost
        logger.warning("could not record a knowledge miss for contact %s", actor.id, exc_info=True)


def _note(desk: Desk, contact: Contact, words: str, shown: Sequence[tuple[str, str]]) -> None:
    assert contact.id is not None
    now = desk.clock.now()
    since = now - timedelta(minutes=desk.gap_policy.follow_minutes)
    with desk.uow() as uow:
        draft = None if shown else uow.knowledge_gaps.draft_miss(contact.id, since)
        if shown:
            uow.knowledge_gaps.withdraw_drafts(contact.id, since)
            for source, title in shown:
                read = SuggestionRead(
                    contact.id, contact.organisation_id, source[:200], title[:500], now
                )
                uow.knowledge_gaps.add_read(read, since)
        elif draft is not None and draft.id is not None:
            uow.knowledge_gaps.update_miss(draft.id, words, now)
        else:
            uow.knowledge_gaps.add_miss(
                KnowledgeMiss(
                    MissSource.PORTAL_SEARCH,
                    words,
                    contact.organisation_id,
                    now,
                    now,
                    contact_id=contact.id,
                    language=contact.language or None,
                )
            )
        uow.commit()


def check_new_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """On ``ticket.opened``: look for its knowledge later, off the opening transaction."""
    if desk.search is None or ticket.id is None:
        return
    enqueue(uow, GAP_CHECK_TASK, {"ticket_id": ticket.id}, at=event.at, key=f"gap:{ticket.id}")


@TASKS.task(GAP_CHECK_TASK, max_attempts=3)
def check_ticket_knowledge(desk: Desk, payload: dict[str, Any]) -> None:
    """A new ticket that no manual passage, known issue or solved ticket answers (above the
    floor) is a miss. Also ties the requester's recent portal drafts and the suggestions they
    were shown to this ticket: they read them and opened it anyway; a draft that found
    nothing is the ticket's miss then, so the question is not counted twice.

    The searches come first, in a transaction that only reads; the writes after them, in one
    of their own. Tying the drafts first (an UPDATE, even of no row) took SQLite's one writer
    and held it through both searches, ~30-60 ms for every new ticket, while openings and
    replies waited (bench/README.md, issue 19)."""
    index = desk.search
    if index is None:
        return
    ticket_id = int(payload["ticket_id"])
    with desk.uow() as uow:
        ticket = access_ticket_if_there(uow, SYSTEM, ticket_id, desk.ticket_prefix)
        if ticket is None or uow.knowledge_gaps.ticket_missed(ticket_id):
            return  # gone, or this ran before (delivery is at least once)
        words = [m.body_text for m in ticket.messages if m.kind is MessageKind.CUSTOMER]
        problem = words[0] if words else ""
        query = f"{ticket.subject}\n{problem}"
        answered = bool(index.search(uow, query, search_filter(SYSTEM, KNOWLEDGE_KINDS), 1))
        if not answered:
            solved = replace(
                search_filter(SYSTEM, (DocumentKind.TICKET,), exclude_ticket_id=ticket_id),
                statuses=(str(Status.SOLVED), str(Status.CLOSED)),
            )
            answered = bool(index.search(uow, query, solved, 1))
    with desk.uow() as uow:
        ticket = access_ticket_if_there(uow, SYSTEM, ticket_id, desk.ticket_prefix)
        if ticket is None:
            return
        since = ticket.created_at - timedelta(minutes=desk.gap_policy.follow_minutes)
        drafts = uow.knowledge_gaps.tie_to_ticket(ticket.requester_id, since, ticket_id)
        if not drafts and not answered and not uow.knowledge_gaps.ticket_missed(ticket_id):
            # the requester's unanswered draft is this ticket's miss already (one question,
            # counted once)
            product = uow.products.get(ticket.product_id) if ticket.product_id else None
            uow.knowledge_gaps.add_miss(
                KnowledgeMiss(
                    MissSource.NEW_TICKET,
                    miss_text(ticket.subject, problem),
                    ticket.organisation_id,
                    ticket.created_at,
                    ticket.created_at,
                    contact_id=ticket.requester_id,
                    ticket_id=ticket_id,
                    product=product.name if product is not None else None,
                    language=ticket.language or None,
                )
            )
        uow.commit()


@TASKS.every(timedelta(days=1), name="knowledge.gaps_prune")
def prune_gaps(desk: Desk, _payload: dict[str, Any]) -> None:
    """Forget misses and shown suggestions past ``knowledge.gap_retention_days``."""
    removed = prune_knowledge_gaps(desk)
    logger.info("pruned %s knowledge-gap rows", removed)


def prune_knowledge_gaps(desk: Desk) -> int:
    before = desk.clock.now() - timedelta(days=desk.gap_policy.retention_days)
    with desk.uow() as uow:
        removed = uow.knowledge_gaps.prune(before)
        uow.commit()
    return removed


# -- the leads' view ---------------------------------------------------------------------


@dataclass(frozen=True)
class GapTopic:
    topic: Topic
    tickets: list[tuple[int, str]]  # (id, number) of up to five example tickets
    solved: tuple[int, ...] = ()  # those of them solved or closed since

    @property
    def article_link(self) -> str:
        """Where "Write an article" goes: the article form, filled in from the topic and
        drafted from its solved example tickets. An open one is left out: the form refuses
        to draft from it, and would show that refusal instead of a draft."""
        query = {"title": self.topic.label}
        solved = [str(i) for i, _ in self.tickets if i in self.solved]
        if solved:
            query["tickets"] = ",".join(solved)
        return "/kb/articles/new?" + urlencode(query)


@dataclass(frozen=True)
class ReadAnyway:
    """A suggestion customers were shown and then opened a ticket anyway."""

    source: str
    title: str
    count: int  # tickets opened after reading it
    tickets: list[tuple[int, str]]  # up to five, newest first
    last_seen: datetime


@dataclass(frozen=True)
class KnowledgeGaps:
    days: int
    since: datetime
    topics: list[GapTopic]  # misses and bounces, grouped
    bounces: list[GapTopic]  # the topics bounced escalations fall into
    read_anyway: list[ReadAnyway]
    misses: int  # misses grouped
    capped: bool  # more misses than ``knowledge.gap_max_misses`` in the window


def knowledge_gaps(desk: Desk, actor: Actor, days: int = 30) -> KnowledgeGaps:
    """What the desk's knowledge did not answer in the last ``days``: topics of customers'
    unanswered searches, unanswered new tickets and bounced escalations; the suggestions
    customers read before opening a ticket anyway. Computed on request: grouping the newest
    ``gap_max_misses`` short texts takes a fraction of a second, and a cache would have to
    follow the window, new misses and pruning."""
    require_lead(actor, "read knowledge gaps")
    if not 1 <= days <= 365:
        raise InvalidInputError("days must be between 1 and 365", field="days")
    since = desk.clock.now() - timedelta(days=days)
    limit = desk.gap_policy.max_misses
    with desk.uow() as uow:
        misses = uow.knowledge_gaps.misses_since(since, limit + 1)
        packets = uow.packets.bounced_since(since, MAX_BOUNCES)
        bounced = {t.id: t for t in access_tickets(uow, actor, {p.ticket_id for p in packets})}
        reads = uow.knowledge_gaps.reads_followed_by_tickets(since, MAX_READS)
    window = timedelta(minutes=desk.gap_policy.follow_minutes)
    drafts = one_per_draft(misses[:limit], window)
    items = [TopicItem(m.source, m.text, m.last_seen_at, m.ticket_id) for m in drafts]
    seen: set[tuple[int, int]] = set()
    for packet in packets:  # newest first; an amended packet is one bounce
        ticket = bounced.get(packet.ticket_id)
        if ticket is None or (packet.ticket_id, packet.sequence) in seen:
            continue
        seen.add((packet.ticket_id, packet.sequence))
        at = packet.decided_at or packet.created_at
        # Grouped by what the ticket is about (its subject); the guidance is what L1 should
        # have known, shown with the topic: its advice words would pull it away from the misses.
        items.append(
            TopicItem(MissSource.BOUNCE, ticket.subject, at, packet.ticket_id, packet.guidance)
        )
    found = topics(items)
    with desk.uow() as uow:
        examples = {i for t in found for i in t.ticket_ids}
        solved = tuple(
            t.id
            for t in access_tickets(uow, actor, examples)
            if t.id is not None and t.status in (Status.SOLVED, Status.CLOSED)
        )
    grouped = [GapTopic(t, _numbered(desk, t.ticket_ids), solved) for t in found]
    return KnowledgeGaps(
        days=days,
        since=since,
        topics=grouped,
        bounces=[g for g in grouped if g.topic.sources.get(str(MissSource.BOUNCE))],
        read_anyway=_read_anyway(desk, reads),
        misses=len(drafts),
        capped=len(misses) > limit,
    )


def _numbered(desk: Desk, ticket_ids: Sequence[int]) -> list[tuple[int, str]]:
    return [(i, format_ticket_number(desk.ticket_prefix, i)) for i in ticket_ids]


def _read_anyway(desk: Desk, reads: Sequence[SuggestionRead]) -> list[ReadAnyway]:
    by_source: dict[str, list[SuggestionRead]] = defaultdict(list)
    for read in reads:  # newest first
        by_source[read.source].append(read)
    found = []
    for source, group in by_source.items():
        tickets: list[int] = []
        for read in group:
            if read.ticket_id is not None and read.ticket_id not in tickets:
                tickets.append(read.ticket_id)
        found.append(
            ReadAnyway(
                source,
                group[0].title,
                len(tickets),
                _numbered(desk, tickets[:5]),
                group[0].shown_at,
            )
        )
    return sorted(found, key=lambda r: (-r.count, -r.last_seen.timestamp(), r.source))
