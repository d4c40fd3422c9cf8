"""The answerer (issue 17): a new ticket that the desk's customer-safe knowledge answers above a
justified confidence gets that answer — suggested to the agent, drafted for them, or sent —
as its queue's policy says, within the limits of ``domain/answers.py``.

It runs as a background job (``answers.answer``) enqueued when the ticket is opened, so opening
costs one row and a slow search never holds the opening transaction. Sources are what a
customer may read: known issues (with their documented fix), published public articles,
manual passages (of the ticket's product, when the desk holds its manual) and the public
answers of solved tickets — never notes, resolutions or internal articles. The one best hit
counts, and only when its calibrated confidence (``assist.confidence``) reaches
``answers.min_confidence``; below that a person answers. Every action is on the ticket's trail
with its source and confidence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tierdesk.domain.answers import (
    ANSWER_CANDIDATES,
    AnswerAttempt,
    AnswerGate,
    AnswerPolicy,
    AnswerSource,
    SourceKind,
    compose_answer,
    pick_in_ranking,
    stricter,
    why_not,
)
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.customer_texts import customer_language
from tierdesk.domain.knowledge import DocumentKind
from tierdesk.domain.message_prose import own_text
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.people import Actor, Agent, SystemActor
from tierdesk.domain.record_links import RecordKind, record_on_ticket
from tierdesk.domain.ticket_values import Status
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidTransitionError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, access_ticket_if_there, require_agent
from tierdesk.services.answer_asks import ask_for_facts, send_asked_question
from tierdesk.services.answer_rewrite import rewrite_answer
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS, enqueue
from tierdesk.services.knowledge import KnowledgeHit, search_knowledge
from tierdesk.services.known_issues import known_issue_of_document
from tierdesk.services.search import query_text, search_solutions

logger = logging.getLogger(__name__)

ANSWER_TASK = "answers.answer"
ANSWERER = SystemActor(name="tierdesk answers")
_CANDIDATES = ANSWER_CANDIDATES  # hits looked at per kind of source


def portal_link(desk: Desk, number: str) -> str:
    return f"{desk.answer_settings.portal_url}/portal/tickets/{number}"


# -- on opening ---------------------------------------------------------------------------


def answer_new_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """On ``ticket.opened``: when the ticket's queue answers (or, not placed yet, some queue
    does), look for its answer later, off the opening transaction."""
    if desk.search is None or ticket.id is None:
        return
    if ticket.queue is not None:
        queue = uow.queues.get(ticket.queue)
        if queue is None or queue.answers is AnswerPolicy.OFF:
            return
    elif all(q.answers is AnswerPolicy.OFF for q in uow.queues.all()):
        return
    enqueue(uow, ANSWER_TASK, {"ticket_id": ticket.id}, at=event.at, key=f"answer:{ticket.id}")


def gate_of(uow: UnitOfWork, ticket: Ticket) -> AnswerGate:
    assert ticket.id is not None
    linked = {link.record_kind for link in uow.record_links.of_ticket(ticket.id)}
    return AnswerGate(
        tier=ticket.tier,
        incident_linked=RecordKind.INCIDENT in linked,
        defect_linked=RecordKind.DEFECT in linked,
        restricted_diagnostics=any(a.restricted for m in ticket.messages for a in m.attachments),
        answered_before=uow.answers.for_ticket(ticket.id) is not None,
        agent_replied=any(
            m.kind is MessageKind.PUBLIC_REPLY and m.author_kind == "agent" for m in ticket.messages
        ),
    )


def _policy(uow: UnitOfWork, ticket: Ticket) -> AnswerPolicy:
    """The queue's policy, capped by the customer's support plan (the stricter holds)."""
    queue = uow.queues.get(ticket.queue) if ticket.queue else None
    if queue is None or not queue.active or queue.answers is AnswerPolicy.OFF:
        return AnswerPolicy.OFF
    organisation = uow.organisations.get(ticket.organisation_id)
    plan = uow.organisations.plan_by_id(organisation.plan_id) if organisation else None
    return stricter(queue.answers, plan.answers) if plan is not None else queue.answers


@TASKS.task(ANSWER_TASK, max_attempts=3)
def answer_ticket(desk: Desk, payload: dict[str, Any]) -> None:
    """Find the ticket's answer and act on it by its queue's policy (idempotent: a ticket is
    answered once, which the gate checks again in the transaction that records it)."""
    ticket_id = int(payload["ticket_id"])
    with desk.uow() as uow:
        ticket = access_ticket_if_there(uow, SYSTEM, ticket_id, desk.ticket_prefix)
        if ticket is None or _policy(uow, ticket) is AnswerPolicy.OFF:
            return
        if ticket.status is not Status.NEW and ticket.status is not Status.OPEN:
            return
        if why_not(gate_of(uow, ticket)) is not None:
            return
        contact = uow.contacts.get(ticket.requester_id)
        if contact is None:
            return
        text = query_text(contact, ticket)
        product = uow.products.get(ticket.product_id) if ticket.product_id is not None else None
        manual_product = product.name if product is not None else None
        with_manuals = product is None or bool(uow.knowledge.all(product.name))
        wanted = ticket.language or contact.language  # the rewrite's; the texts fall back
        link = portal_link(desk, ticket.number or str(ticket_id))
    source = best_source(desk, contact, text, manual_product, with_manuals, ticket_id)
    confident = source is not None and source.confidence >= desk.answer_settings.min_confidence
    composed: tuple[str, str, bool] | None = None  # text, language, rewritten
    if confident:
        assert source is not None
        source = _with_whole_fix(desk, source)
        language = customer_language(wanted)
        offline = compose_answer(source, language, link)
        # Off the transaction: a model may take seconds. Only ever a rewrite of what was decided.
        rewritten = rewrite_answer(desk, offline, wanted or language, [link])
        if rewritten is None:
            composed = (offline, language, False)
        else:
            composed = (rewritten, (wanted or language).lower(), True)
    with desk.uow() as uow:
        ticket = access_ticket_if_there(uow, SYSTEM, ticket_id, desk.ticket_prefix)
        if ticket is None or why_not(gate_of(uow, ticket)) is not None:
            return
        policy = _policy(uow, ticket)
        if policy is AnswerPolicy.OFF:
            return
        if composed is not None:
            assert source is not None
            _act(uow, desk, ticket, policy, source, *composed)
        else:
            # Nothing the desk can justify as an answer: ask what the ticket lacks, if it
            # lacks anything; otherwise a person answers.
            seen = source.confidence if source is not None else 0.0
            ask_for_facts(uow, desk, ticket, policy, seen, ANSWERER)
        uow.commit()


def best_source(
    desk: Desk,
    reader: Actor,
    text: str,
    product: str | None,
    with_manuals: bool,
    exclude_ticket: int | None = None,
    admit: Callable[[AnswerSource], bool] | None = None,
    threshold: float | None = None,
) -> AnswerSource | None:
    """The customer-safe passage the answerer would use for ``text`` (``reader``: the
    customer, whose view filters the knowledge to what they may read), or None when nothing is
    found. Per kind of source, the first hits in rank order give one candidate
    (``pick_in_ranking``: the highest-ranked reaching ``threshold``, by default
    ``answers.min_confidence``); of those, the most confident. ``admit``, when given, drops the
    sources it refuses (the replay: what did not exist yet); more candidates are looked at
    then, so a refused best hit leaves the next one."""
    if not text.strip():
        return None
    if threshold is None:
        threshold = desk.answer_settings.min_confidence
    limit = _CANDIDATES if admit is None else _CANDIDATES * 3
    ranked: list[list[AnswerSource]] = []  # per kind of source, best first
    searches: list[tuple[tuple[DocumentKind, ...], str | None]] = [
        ((DocumentKind.KNOWN_ISSUE,), None),
        ((DocumentKind.ARTICLE,), None),
    ]
    if with_manuals:
        searches.append(((DocumentKind.MANUAL,), product))
    for kinds, for_product in searches:
        hits = search_knowledge(desk, reader, text, limit=limit, product=for_product, kinds=kinds)
        ranked.append([_from_hit(desk, hit) for hit in hits])
    solutions = []
    for solved in search_solutions(desk, SYSTEM, text, limit=limit):
        view = solved.solution
        if view is None or not view.public_answer or view.ticket_id == exclude_ticket:
            continue
        # Quoted to another customer: without the greeting and sign-off the agent wrote to
        # the first one ("Dear Harry, …" reached Oliver).
        passage = own_text(view.public_answer) or view.public_answer
        solutions.append(
            AnswerSource(
                SourceKind.SOLUTION,
                f"ticket:{view.ticket_id}",
                view.subject,
                passage,
                solved.confidence,
                language=_language_of(desk, passage),
            )
        )
    ranked.append(solutions)
    found = []
    for sources in ranked:
        if admit is not None:
            sources = [source for source in sources if admit(source)]
        sources = sources[:_CANDIDATES]
        at = pick_in_ranking([source.confidence for source in sources], threshold)
        if at is not None:
            found.append(sources[at])
    return max(found, key=lambda s: s.confidence, default=None)


def _from_hit(desk: Desk, hit: KnowledgeHit) -> AnswerSource:
    language = _language_of(desk, hit.passage)
    if hit.kind is DocumentKind.MANUAL:
        return AnswerSource(
            SourceKind.MANUAL,
            hit.key,
            hit.document,
            hit.passage,
            hit.confidence,
            section=hit.section,
            language=language,
        )
    kind = SourceKind.KNOWN_ISSUE if hit.kind is DocumentKind.KNOWN_ISSUE else SourceKind.ARTICLE
    link = f"/portal/articles/{hit.written_id}" if hit.written_id is not None else None
    if link is not None and desk.answer_settings.portal_url:
        link = desk.answer_settings.portal_url + link
    title = hit.document or hit.section
    if kind is SourceKind.KNOWN_ISSUE and hit.section and hit.section != hit.document:
        title = f"{hit.document}: {hit.section}"  # "KI-3: Calls drop after 15 minutes"
    return AnswerSource(kind, hit.key, title, hit.passage, hit.confidence, link, language=language)


def _with_whole_fix(desk: Desk, source: AnswerSource) -> AnswerSource:
    """A known issue is quoted by its documented fix, all of it. The search hit's passage is a
    window of the indexed text (symptoms, then fix) that can hold the symptoms alone, or break
    off mid-fix; the frame promises "the documented fix" and the customer acts on it."""
    issue_id = known_issue_of_document(source.key)
    if source.kind is not SourceKind.KNOWN_ISSUE or issue_id is None:
        return source
    with desk.uow() as uow:
        issue = uow.known_issues.get(issue_id)
    if issue is None or not issue.fix.strip():
        return source
    return replace(source, passage=issue.fix, language=_language_of(desk, issue.fix))


def _language_of(desk: Desk, text: str) -> str | None:
    if desk.understanding is None:
        return None
    detected = desk.understanding.languages.detect(text)
    return detected[0] if detected is not None and detected[1] >= 0.8 else None


def _act(
    uow: UnitOfWork,
    desk: Desk,
    ticket: Ticket,
    policy: AnswerPolicy,
    source: AnswerSource,
    text: str,
    language: str,
    rewritten: bool,
) -> None:
    assert ticket.id is not None
    assert ticket.queue is not None
    now = desk.clock.now()
    attempt = AnswerAttempt(
        ticket_id=ticket.id,
        queue=ticket.queue,
        tier=ticket.tier,
        policy=policy,
        language=language,
        source_kind=source.kind,
        source_key=source.key,
        citation=source.citation,
        confidence=round(source.confidence, 4),
        text=text,
        created_at=now,
        sent_by_agent=False,
    )
    uow.answers.add(attempt)
    changes = {
        "policy": str(policy),
        "source": source.kind.value,
        "key": source.key,
        "citation": source.citation,
        "confidence": attempt.confidence,
        "language": language,
    }
    if rewritten:
        changes["rewritten"] = True  # by the configured language model, from the offline text
    if policy is AnswerPolicy.SEND:
        _post(uow, desk, ticket, attempt, ANSWERER)
        record_on_ticket(ticket, "answer.sent", ANSWERER, now, changes=changes)
    else:
        action = "answer.suggested" if policy is AnswerPolicy.SUGGEST else "answer.drafted"
        record_on_ticket(ticket, action, ANSWERER, now, changes=changes)


def _post(uow: UnitOfWork, desk: Desk, ticket: Ticket, attempt: AnswerAttempt, by: Actor) -> None:
    """Post the answer as a public reply; the ticket then waits on the customer's verdict."""
    now = desk.clock.now()
    message = Message(
        kind=MessageKind.PUBLIC_REPLY,
        author_kind=str(by.kind),
        author_id=by.id,
        author_name=by.name,
        body_text=attempt.text,
        created_at=now,
    )
    ticket.add_message(message, by)
    if ticket.status is not Status.PENDING_CUSTOMER:
        ticket.change_status(Status.PENDING_CUSTOMER, by, now, "solution proposed")
    uow.flush()
    attempt.sent_at, attempt.message_id = now, message.id
    attempt.sent_by_agent = isinstance(by, Agent)


# -- for the agent ------------------------------------------------------------------------


def answer_of(desk: Desk, actor: Actor, reference: int | str) -> AnswerAttempt | None:
    """The ticket's automatic answer, for its agents (customers read only what was sent)."""
    require_agent(actor, "read automatic answers")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        return uow.answers.for_ticket(ticket.id)


def send_drafted_answer(desk: Desk, actor: Actor, reference: int | str) -> AnswerAttempt:
    """An agent sends the suggested or drafted answer as it stands (their public reply)."""
    require_agent(actor, "send answers")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        attempt = uow.answers.for_ticket(ticket.id)
        if attempt is None:
            raise NotFoundError(f"{ticket.number} has no drafted answer", ticket=ticket.number)
        if attempt.sent_at is not None:
            raise InvalidTransitionError(
                f"the answer on {ticket.number} was sent already", ticket=ticket.number
            )
        if not ticket.status.is_active:
            raise InvalidTransitionError(
                f"{ticket.number} is {ticket.status}; reopen it to answer", ticket=ticket.number
            )
        if attempt.asks:
            send_asked_question(uow, desk, ticket, attempt, actor)
        else:
            _post(uow, desk, ticket, attempt, actor)
        record_on_ticket(
            ticket,
            "answer.sent",
            actor,
            desk.clock.now(),
            changes={
                "policy": str(attempt.policy),
                "key": attempt.source_key,
                "citation": attempt.citation,
                "confidence": attempt.confidence,
            },
        )
        uow.commit()
        return attempt
