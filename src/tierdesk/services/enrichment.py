"""Intake enrichment: every new message is read for its language, its facts (with where they
were said) and, when it holds a log (pasted or attached), the log's templates; then a ticket
that lacks what its type needs gets one clarifying question in the customer's language.

Runs as a handler inside the transaction that added the message (``services/handlers.py``):
a ticket is never stored un-read. Each message is read once (``enriched_messages``).
"""

from __future__ import annotations

from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.catalog import product_names
from tierdesk.domain.clarify import ClarifyingQuestion, ClarifyMode, missing_facts, question_text
from tierdesk.domain.facts import (
    NO_CATALOG,
    Catalog,
    Fact,
    FactKind,
    distinct,
    extract_facts,
    kinds_present,
)
from tierdesk.domain.languages import sure_language
from tierdesk.domain.log_facts import looks_like_log, template_facts
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.people import Actor, Contact, SystemActor
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.errors import InvalidTransitionError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.services import reference_data
from tierdesk.services.access import access_ticket, require_agent
from tierdesk.services.desk import Desk
from tierdesk.services.languages import adopt_contact_language, language_for_customer

ENRICHER = SystemActor(name="enrichment")
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-log")
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024  # a bigger log is read up to here


def enrich_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    if desk.understanding is None or ticket.id is None:
        return
    done = uow.facts.enriched_message_ids(ticket.id)
    fresh = [m for m in ticket.messages if m.id is not None and m.id not in done]
    if not fresh:
        return
    # The desk's product and model names: "KP-200" is a phone here, not an error code.
    catalog = Catalog.of(product_names(reference_data.products(desk.reference, uow)))
    for message in fresh:
        assert message.id is not None
        facts = read_message(desk, ticket.id, message, catalog)
        if message.kind is MessageKind.CUSTOMER:
            found = _language_facts(desk, ticket.id, message)
            _take_language(uow, desk, ticket, message, found)
            facts = found + facts
        uow.facts.add(facts)
        uow.facts.mark_enriched(ticket.id, message.id)
    if event.action == "ticket.opened":
        _clarify(uow, desk, ticket)


def read_message(
    desk: Desk, ticket_id: int, message: Message, catalog: Catalog = NO_CATALOG
) -> list[Fact]:
    """The facts of one message and of its text attachments (``catalog``: the desk's product
    and model names, ``domain.catalog.product_names``)."""
    internal = message.kind is MessageKind.INTERNAL_NOTE
    facts = extract_facts(
        message.body_text, message_id=message.id, internal=internal, catalog=catalog
    )
    if looks_like_log(message.body_text):
        facts += template_facts(message.body_text, message_id=message.id, internal=internal)
    for attachment in message.attachments:
        if not attachment.content_type.startswith(TEXT_TYPES) and not attachment.filename.endswith(
            (".log", ".txt")
        ):
            continue
        data = desk.files.open(attachment.storage_key)[:MAX_ATTACHMENT_BYTES]
        text = data.decode("utf-8", errors="replace")
        hidden = internal or attachment.restricted
        found = extract_facts(
            text,
            message_id=message.id,
            attachment_id=attachment.id,
            internal=hidden,
            catalog=catalog,
        )
        facts += [f for f in found if f.kind is not FactKind.TIMESTAMP]  # a log is all stamps
        if not (attachment.filename.endswith(".log") or looks_like_log(text)):
            continue  # a letter or a configuration file: no templates
        facts += template_facts(
            text,
            message_id=message.id,
            attachment_id=attachment.id,
            internal=hidden,
            source=attachment.filename,
        )
    return [
        Fact(
            f.kind,
            f.value,
            f.start,
            f.end,
            f.message_id,
            f.attachment_id,
            f.internal,
            f.detail,
            ticket_id,
        )
        for f in facts
    ]


def _language_facts(desk: Desk, ticket_id: int, message: Message) -> list[Fact]:
    assert desk.understanding is not None
    detected = desk.understanding.languages.detect(message.body_text)
    if detected is None:
        return []
    language, confidence = detected
    return [
        Fact(
            FactKind.LANGUAGE,
            language,
            0,
            len(message.body_text),
            message.id,
            None,
            message.kind is MessageKind.INTERNAL_NOTE,
            {"confidence": round(confidence, 3)},
            ticket_id,
        )
    ]


def _sure_language(facts: list[Fact]) -> str | None:
    for fact in facts:
        if fact.kind is FactKind.LANGUAGE and not fact.internal:
            return sure_language((fact.value, float(fact.detail.get("confidence", 0))))
    return None


def _take_language(
    uow: UnitOfWork, desk: Desk, ticket: Ticket, message: Message, facts: list[Fact]
) -> None:
    """A later customer message on a ticket that has no language yet (opened without the
    customer's words, from a contact who stated none) gives it one; its author, when they
    stated none, takes it too. Opening already settled both (``services/languages.py``)."""
    written = _sure_language(facts)
    if written is None:
        return
    if not ticket.language:
        ticket.language = written
    if message.author_kind == "contact" and message.author_id is not None:
        adopt_contact_language(uow, message.author_id, written, desk.clock.now())


def _clarify(uow: UnitOfWork, desk: Desk, ticket: Ticket) -> None:
    assert desk.understanding is not None
    assert ticket.id is not None
    mode = desk.understanding.config.clarify
    if mode is ClarifyMode.OFF or uow.clarifying_questions.for_ticket(ticket.id):
        return
    customer = [m for m in ticket.messages if m.kind is MessageKind.CUSTOMER]
    if not customer:
        return  # an agent opened it without the customer's words: nothing to judge
    facts = uow.facts.for_ticket(ticket.id, include_internal=False)
    has_attachment = any(m.attachments for m in customer)
    missing = missing_facts(str(ticket.type), kinds_present(facts), has_attachment)
    if not missing:
        return
    # The ticket's language: the one the customer wrote in unless one was chosen for it.
    text, language = question_text(missing, language_for_customer(uow, ticket))
    now = desk.clock.now()
    question = ClarifyingQuestion(ticket.id, [str(m) for m in missing], language, text, mode, now)
    uow.clarifying_questions.add(question)
    if mode is ClarifyMode.SEND:
        send_question(uow, desk, ticket, question, ENRICHER)


def send_question(
    uow: UnitOfWork, desk: Desk, ticket: Ticket, question: ClarifyingQuestion, by: Actor
) -> None:
    """Post the question as a public reply; the ticket then waits on the customer."""
    now = desk.clock.now()
    message = Message(
        kind=MessageKind.PUBLIC_REPLY,
        author_kind=str(by.kind),
        author_id=by.id,
        author_name=by.name,
        body_text=question.text,
        created_at=now,
    )
    ticket.add_message(message, by)
    if ticket.status is not Status.PENDING_CUSTOMER:
        ticket.change_status(Status.PENDING_CUSTOMER, by, now, "clarifying question asked")
    uow.flush()
    question.sent_at, question.message_id = now, message.id


# -- reading what was understood ---------------------------------------------------------


def ticket_facts(desk: Desk, actor: Actor, reference: int | str) -> list[Fact]:
    """The facts of a ticket, in the order they were said. Customers see only what was read
    from their side of the conversation, never facts from internal notes or restricted files."""
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        facts = uow.facts.for_ticket(ticket.id, include_internal=not isinstance(actor, Contact))
        return facts


def ticket_fact_summary(desk: Desk, actor: Actor, reference: int | str) -> list[Fact]:
    """One fact per kind and value (the first place it was said)."""
    return distinct(ticket_facts(desk, actor, reference))


def clarifying_questions(
    desk: Desk, actor: Actor, reference: int | str
) -> list[ClarifyingQuestion]:
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        questions = uow.clarifying_questions.for_ticket(ticket.id)
        if isinstance(actor, Contact):
            return [q for q in questions if q.sent_at is not None]
        return questions


def send_clarifying_question(
    desk: Desk, actor: Actor, reference: int | str, question_id: int
) -> ClarifyingQuestion:
    """An agent's click that sends a proposed question (mode ``propose``)."""
    agent = require_agent(actor, "send clarifying questions")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        question = uow.clarifying_questions.get(question_id)
        if question is None or question.ticket_id != ticket.id:
            raise NotFoundError(f"no clarifying question {question_id} on this ticket")
        if question.sent_at is not None:
            raise InvalidTransitionError("this clarifying question was already sent")
        question.mode = ClarifyMode.SEND
        send_question(uow, desk, ticket, question, agent)
        uow.commit()
        return question
