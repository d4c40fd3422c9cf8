"""Self-service in the portal: what to suggest while a customer writes a new ticket, and the
record that a suggestion answered them (a deflection: a ticket nobody had to work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tierdesk.domain.audit import audit_event
from tierdesk.domain.deflection import Deflection
from tierdesk.domain.knowledge import KNOWLEDGE_KINDS, DocumentKind
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor, Contact
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import InvalidInputError, PermissionDeniedError
from tierdesk.services.access import access_tickets
from tierdesk.services.articles import DEFLECTION_SOURCE
from tierdesk.services.desk import Desk
from tierdesk.services.knowledge import KnowledgeHit, search_knowledge
from tierdesk.services.knowledge_gaps import note_customer_search
from tierdesk.services.known_issues import known_issue_of_document
from tierdesk.services.search import require_search, search_filter

# Shorter drafts match almost anything; suggestions start once the customer has said something.
MIN_QUERY_CHARACTERS = 12
# What a draft is searched with: its subject and the start of its description say what it is
# about (as a question to the API may be 2,000 characters); a log pasted further down would
# only make every keystroke's search slower.
MAX_DRAFT_CHARACTERS = 2_000


@dataclass(frozen=True)
class Suggestion:
    # What the deflection records: "kb:<article>#<anchor>", "known-issue:<id>",
    # "article:<id>" (an authored article), "ticket:<number>".
    source: str
    title: str
    detail: str  # citation of a passage ("document: section"); empty for a solved ticket
    text: str
    # Worded by the portal in the customer's language: the passage's page, and the solved
    # ticket the answer comes from.
    page: int | None = None
    solved_ticket: str | None = None


def _contact(actor: Actor) -> Contact:
    if not isinstance(actor, Contact) or actor.id is None:
        raise PermissionDeniedError("the portal is for customer contacts", action="self-service")
    return actor


def suggest_while_typing(desk: Desk, actor: Actor, draft: str, limit: int = 3) -> list[Suggestion]:
    """Manual passages and solved answers for a draft ticket, searched with the customer's own
    access: the manuals, and their organisation's solved tickets (public text only)."""
    _contact(actor)
    text = " ".join(draft.split())[:MAX_DRAFT_CHARACTERS]
    if len(text) < MIN_QUERY_CHARACTERS:
        return []
    passages = search_knowledge(desk, actor, text, limit=limit, kinds=KNOWLEDGE_KINDS)
    found = [_passage(hit) for hit in passages] + _solved_answers(desk, actor, text, limit)
    # Nothing found is a knowledge gap; what was shown may be read and a ticket opened anyway.
    note_customer_search(desk, actor, draft, [(s.source, s.title) for s in found])
    return found


def _passage(hit: KnowledgeHit) -> Suggestion:
    # The path starts with the document's own title, which the citation names already.
    path = hit.section_path[1:] if hit.section_path[:1] == [hit.document] else hit.section_path
    where = " › ".join(path) or hit.section
    return Suggestion(
        _source(hit),
        hit.section or hit.document,
        f"{hit.document}: {where}",
        hit.passage,
        page=hit.page or None,
    )


def _source(hit: KnowledgeHit) -> str:
    if hit.article_id is not None:
        return f"kb:{hit.article_id}#{hit.anchor}"  # a manual's (or an uploaded article's) section
    if hit.written_id is not None:
        return f"{DEFLECTION_SOURCE}{hit.written_id}"  # an authored article
    issue_id = known_issue_of_document(hit.key)
    return f"known-issue:{issue_id}" if issue_id is not None else hit.key


def _solved_answers(desk: Desk, actor: Actor, text: str, limit: int) -> list[Suggestion]:
    index = require_search(desk)
    answers: list[Suggestion] = []
    with desk.uow() as uow:
        where = search_filter(actor, (DocumentKind.TICKET,))
        found = index.search(uow, text, where, limit * 4)
        documents = uow.search.documents([s.document_id for s in found])
        ticket_ids = [
            d.ticket_id
            for d in (documents.get(s.document_id) for s in found)
            if d is not None and d.ticket_id is not None
        ]
        # Through the door: the index's copy of the access columns is only a first filter.
        for ticket in access_tickets(uow, actor, ticket_ids):
            answer = _public_answer(ticket)
            if ticket.status not in (Status.SOLVED, Status.CLOSED) or not answer:
                continue
            answers.append(
                Suggestion(
                    f"ticket:{ticket.number}",
                    ticket.subject,
                    "",
                    answer,
                    solved_ticket=ticket.number,
                )
            )
            if len(answers) == limit:
                break
    return answers


def _public_answer(ticket: Ticket) -> str:
    """What support told the customer on a solved ticket: the answer written for them, or on a
    ticket solved before there was one, the last public reply. Never its resolution: that is
    written by engineers for engineers (and may name internal steps)."""
    if ticket.public_answer:
        return ticket.public_answer
    replies = [m for m in ticket.messages if m.kind is MessageKind.PUBLIC_REPLY]
    return replies[-1].body_text if replies else ""


def record_deflection(desk: Desk, actor: Actor, draft: str, source: str, title: str) -> Deflection:
    contact = _contact(actor)
    assert contact.id is not None
    if not source.strip():
        raise InvalidInputError("say which suggestion answered the question", field="source")
    now = desk.clock.now()
    with desk.uow() as uow:
        deflection = uow.deflections.add(
            Deflection(
                contact.id,
                contact.organisation_id,
                " ".join(draft.split())[:4000],
                source.strip()[:200],
                title.strip()[:500],
                now,
            )
        )
        uow.audit.add(
            audit_event(
                "contact",
                "portal.deflected",
                contact,
                now,
                subject_id=contact.id,
                changes={"source": deflection.source},
            )
        )
        uow.commit()
        return deflection


def deflections_since(desk: Desk, since: datetime) -> list[Deflection]:
    with desk.uow() as uow:
        return uow.deflections.since(since)
