"""The answerer replayed over the desk's own solved tickets (``tierdesk eval replay``, issue 17).

For each solved or closed ticket, the answerer's decision is taken again as if the ticket had
just been opened — its subject and first customer message as the question, searched as its
customer, by the same rule (``answers.best_source``, ``answers.min_confidence``) and within the
same limits (``domain/answers.why_not``) — and compared with how the ticket was actually
solved. Nothing is written and nothing is sent.

The answerer must not see the ticket's own answer: the ticket itself is left out, and so is
every source that did not exist when the ticket was opened (a known issue, article or manual
created later, a solved ticket solved later). Those are dropped from the candidates after the
search (the index keeps no dates), so their presence can still shift the survivors'
confidences a little.

An answer counts as **right** when its source is
- the known issue or the published article the ticket is linked to;
- a solved ticket that is linked to one of those same records, or whose resolution is the
  same text as this ticket's (a shared resolution, e.g. from a macro);
- a manual section whose title the ticket's public answer names (case and spacing aside);
- the source of the desk's own answer on the ticket, when its customer said it solved it
  (verified; an assumed one is no proof and counts for nothing here).
Anything else counts as wrong — also on a ticket whose solution names nothing to compare
against (``judged`` false), which makes the precision a lower bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.answers import AnswerGate, AnswerOutcome, AnswerSource, SourceKind, why_not
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.record_links import RecordKind
from tierdesk.domain.ticket_values import Status
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import TicketNotFoundError
from tierdesk.ports import TicketFilter, UnitOfWork
from tierdesk.services.access import access_ticket, access_ticket_page
from tierdesk.services.answers import best_source, gate_of
from tierdesk.services.articles import article_of_document
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.known_issues import known_issue_of_document

_PAGE = 200
_TRUTH_KINDS = (RecordKind.KNOWN_ISSUE, RecordKind.ARTICLE)
_SOLVED = TicketFilter(status=(str(Status.SOLVED), str(Status.CLOSED)))


@dataclass(frozen=True)
class ReplayCase:
    """The replayed decision on one solved ticket."""

    ticket_id: int
    level: int
    queue: str
    answered: bool
    right: bool
    judged: bool  # its solution names something to compare an answer with
    source_key: str | None = None
    confidence: float | None = None
    refused: str | None = None  # the limit that kept the answerer away


@dataclass(frozen=True)
class _Truth:
    """How one ticket was solved, in the terms an answer's source is compared with."""

    records: frozenset[tuple[RecordKind, int]]
    tickets: frozenset[int]  # solved tickets sharing a record or the resolution
    public_answer: str
    confirmed: str | None = None  # the source of the desk's answer its customer said solved it

    @property
    def judged(self) -> bool:
        return bool(self.records or self.public_answer or self.confirmed)


def solved_ticket_ids(desk: Desk, limit: int | None = None) -> list[int]:
    """The desk's solved and closed tickets, newest first."""
    ids: list[int] = []
    before: int | None = None
    with desk.uow() as uow:
        while limit is None or len(ids) < limit:
            page = access_ticket_page(uow, SYSTEM, _SOLVED, _PAGE, before)
            ids.extend(t.id for t in page if t.id is not None)
            if len(page) < _PAGE:
                break
            before = page[-1].id
    return ids if limit is None else ids[:limit]


@dataclass(frozen=True)
class _Desk:
    """What the replay reads once per run: when each source came to exist, and which solved
    tickets share a resolution text."""

    created: dict[str, datetime]  # source key (manuals: "manual:<id>") -> when it existed
    solved_at: dict[int, datetime]
    by_resolution: dict[str, frozenset[int]]


def replay_answers(
    desk: Desk, ticket_ids: list[int], progress: Callable[[int], None] | None = None
) -> list[ReplayCase]:
    with desk.uow() as uow:
        known = _read_desk(uow)
    cases = []
    for ticket_id in ticket_ids:
        case = replay_ticket(desk, known, ticket_id)
        if case is not None:
            cases.append(case)
        if progress is not None:
            progress(1)
    return cases


def _read_desk(uow: UnitOfWork) -> _Desk:
    created: dict[str, datetime] = {}
    for issue in uow.known_issues.find():
        created[f"known-issue-record:{issue.id}"] = issue.created_at
    for article in uow.articles.find():
        assert article.id is not None
        published = [v.published_at for v in uow.articles.versions(article.id)]
        if published:  # the first publication: the text searched is today's
            created[f"kb-article:{article.id}"] = min(published)
    for manual in uow.knowledge.all():
        created[f"manual:{manual.id}"] = manual.created_at
    solved_at: dict[int, datetime] = {}
    resolutions: dict[str, set[int]] = {}
    before: int | None = None
    while True:
        page = access_ticket_page(uow, SYSTEM, _SOLVED, _PAGE, before)
        for t in page:
            assert t.id is not None
            if t.solved_at is not None:
                solved_at[t.id] = t.solved_at
            if t.resolution and t.resolution.strip():
                resolutions.setdefault(_plain(t.resolution), set()).add(t.id)
        if len(page) < _PAGE:
            break
        before = page[-1].id
    return _Desk(created, solved_at, {k: frozenset(v) for k, v in resolutions.items()})


def replay_ticket(desk: Desk, known: _Desk, ticket_id: int) -> ReplayCase | None:
    threshold = desk.answer_settings.min_confidence
    with desk.uow() as uow:
        try:
            ticket = access_ticket(uow, SYSTEM, ticket_id, desk.ticket_prefix)
        except TicketNotFoundError:
            return None
        assert ticket.id is not None
        level, queue = int(ticket.tier), ticket.queue or "(none)"
        truth = _truth(uow, known, ticket)
        refused = why_not(_as_opened(gate_of(uow, ticket)))
        contact = uow.contacts.get(ticket.requester_id)
        if refused is not None or contact is None:
            return ReplayCase(ticket.id, level, queue, False, False, truth.judged, refused=refused)
        question = _question(ticket)
        product = uow.products.get(ticket.product_id) if ticket.product_id is not None else None
        manual_product = product.name if product is not None else None
        with_manuals = product is None or bool(uow.knowledge.all(product.name))
    opened = ticket.created_at

    def existed(source: AnswerSource) -> bool:
        if source.kind is SourceKind.SOLUTION:
            at = known.solved_at.get(int(source.key.removeprefix("ticket:")))
        elif source.kind is SourceKind.MANUAL:
            at = known.created.get(f"manual:{source.key.split(':')[1]}")
        else:
            at = known.created.get(source.key)
        return at is not None and at < opened

    source = best_source(
        desk, contact, question, manual_product, with_manuals, ticket_id, existed, threshold
    )
    if source is None or source.confidence < threshold:
        return ReplayCase(ticket_id, level, queue, False, False, truth.judged)
    return ReplayCase(
        ticket_id,
        level,
        queue,
        True,
        _is_right(source, truth),
        truth.judged,
        source.key,
        round(source.confidence, 4),
    )


def _as_opened(gate: AnswerGate) -> AnswerGate:
    """The limits as they stood when the ticket was opened, except those the ticket carries
    now (its level, its links, its diagnostics): nobody had replied and nothing had answered
    it yet. Keeping today's level and links is the stricter reading."""
    return AnswerGate(
        tier=gate.tier,
        incident_linked=gate.incident_linked,
        defect_linked=gate.defect_linked,
        restricted_diagnostics=gate.restricted_diagnostics,
        answered_before=False,
        agent_replied=False,
    )


def _question(ticket: Ticket) -> str:
    first = next((m for m in ticket.messages if m.kind is MessageKind.CUSTOMER), None)
    return "\n".join([ticket.subject, first.body_text if first is not None else ""])


def _truth(uow: UnitOfWork, known: _Desk, ticket: Ticket) -> _Truth:
    assert ticket.id is not None
    records = frozenset(
        (link.record_kind, link.record_id)
        for link in uow.record_links.of_ticket(ticket.id)
        if link.record_kind in _TRUTH_KINDS
    )
    sharing = {
        link.ticket_id
        for kind, record_id in records
        for link in uow.record_links.of_record(kind, record_id)
    }
    sharing |= known.by_resolution.get(_plain(ticket.resolution or ""), frozenset())
    sharing.discard(ticket.id)
    attempt = uow.answers.for_ticket(ticket.id)
    confirmed = (
        attempt.source_key
        if attempt is not None and not attempt.asks and attempt.outcome is AnswerOutcome.VERIFIED
        else None
    )
    return _Truth(records, frozenset(sharing), ticket.public_answer or "", confirmed)


def _is_right(source: AnswerSource, truth: _Truth) -> bool:
    if source.key == truth.confirmed:
        return True
    if source.kind is SourceKind.KNOWN_ISSUE:
        issue = known_issue_of_document(source.key)
        return issue is not None and (RecordKind.KNOWN_ISSUE, issue) in truth.records
    if source.kind is SourceKind.ARTICLE:
        article = article_of_document(source.key)
        return article is not None and (RecordKind.ARTICLE, article) in truth.records
    if source.kind is SourceKind.SOLUTION:
        return int(source.key.removeprefix("ticket:")) in truth.tickets
    section = _plain(source.section or "")
    return len(section) >= 4 and section in _plain(truth.public_answer)


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class ReplayLine:
    level: int
    queue: str
    tickets: int
    answered: int
    right: int
    refused: int  # kept away by a limit


def replay_lines(cases: list[ReplayCase]) -> list[ReplayLine]:
    """Per level and queue (the ticket's now), in that order."""
    groups: dict[tuple[int, str], list[ReplayCase]] = {}
    for case in cases:
        groups.setdefault((case.level, case.queue), []).append(case)
    return [
        ReplayLine(
            level,
            queue,
            len(group),
            sum(c.answered for c in group),
            sum(c.right for c in group),
            sum(c.refused is not None for c in group),
        )
        for (level, queue), group in sorted(groups.items())
    ]


def replay_figures(cases: list[ReplayCase], threshold: float) -> dict[str, object]:
    """The same figures as ``eval answers``: coverage (share answered), precision (share of
    answers right, unjudged ones counted wrong), the threshold; and the counts behind them."""
    answered = [c for c in cases if c.answered]
    right = sum(c.right for c in answered)
    return {
        "tickets": len(cases),
        "answered": len(answered),
        "right": right,
        "unjudged_answers": sum(not c.judged for c in answered),
        "coverage": round(len(answered) / len(cases), 4) if cases else None,
        "precision": round(right / len(answered), 4) if answered else None,
        "threshold": threshold,
    }
