"""Summaries: an extractive summary of a ticket's thread (also what pre-fills the hand-off
packet's symptoms and environment) and of any long document; and, only when an
OpenAI-compatible endpoint is configured, abstractive summaries, translations and reply
drafts. A draft is returned to the agent, never sent: sending is the agent's own reply."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.facts import FactKind, describe
from tierdesk.domain.handoff import PacketContent
from tierdesk.domain.handoff_draft import PASTED_LOG
from tierdesk.domain.message_prose import gist, read_prose
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.people import Actor
from tierdesk.domain.summaries import summarise, summarise_customer
from tierdesk.domain.tickets import Ticket
from tierdesk.errors import InvalidInputError, InvalidTransitionError
from tierdesk.ports import UnitOfWork
from tierdesk.services.access import access_ticket, require_agent
from tierdesk.services.desk import Desk

MAX_DOCUMENT_CHARS = 2_000_000


@dataclass(frozen=True)
class TicketSummary:
    sentences: list[str]  # from the customer's messages, in order, ending with the latest's
    agent_sentences: list[str]  # from replies and internal notes
    facts: str  # "version: 4.2.1; error code: …"
    log_findings: list[str]  # error and rare log templates with their counts
    latest: str = ""  # the customer's latest message in a sentence or two: where things stand
    latest_at: datetime | None = None


def thread_summary(uow: UnitOfWork, ticket: Ticket, *, include_internal: bool) -> TicketSummary:
    # Messages are read as their writers' own words: pasted logs and traces are left to the
    # facts and log findings below, quoted history and signatures are left out.
    customer = [m for m in ticket.messages if m.kind is MessageKind.CUSTOMER]
    said = [read_prose(m.body_text) for m in customer]
    agents = "\n\n".join(
        "\n\n".join(read_prose(m.body_text).sentences)
        for m in ticket.messages
        if m.kind is MessageKind.PUBLIC_REPLY
        or (include_internal and m.kind is MessageKind.INTERNAL_NOTE)
    )
    facts = uow.facts.for_ticket(ticket.id, include_internal=include_internal) if ticket.id else []
    findings = [
        f"{f.detail.get('count', 1)}x {f.value} (first {f.detail.get('first_seen') or 'line '}"
        f"{'' if f.detail.get('first_seen') else f.detail.get('first_line')})"
        for f in facts
        if f.kind is FactKind.LOG_TEMPLATE and (f.detail.get("error") or f.detail.get("rare"))
    ][:8]
    return TicketSummary(
        summarise_customer(ticket.subject, said, max_sentences=5),
        summarise(agents, max_sentences=4) if agents.strip() else [],
        describe(facts),
        findings,
        gist(said[-1]) if said else "",
        customer[-1].created_at if customer else None,
    )


def improve_draft(uow: UnitOfWork, ticket: Ticket, draft: PacketContent) -> PacketContent:
    """The rule-based hand-off draft (which already carries the customer's later and latest
    messages in its symptoms), completed: every fact read from the ticket and the error or
    rare log templates become the environment."""
    summary = thread_summary(uow, ticket, include_internal=True)
    # The facts replace the draft's own reading, except where it says a log was pasted.
    parts = [summary.facts] if summary.facts else [draft.environment]
    if summary.facts:
        parts += [p for p in draft.environment.split("; ") if p.startswith(PASTED_LOG)]
    if summary.log_findings:
        parts.append("log: " + " | ".join(summary.log_findings))
    return replace(draft, environment="; ".join(p for p in parts if p))


def summarise_ticket(desk: Desk, actor: Actor, reference: int | str) -> TicketSummary:
    require_agent(actor, "read ticket summaries")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        return thread_summary(uow, ticket, include_internal=True)


def summarise_document(desk: Desk, actor: Actor, text: str, max_sentences: int = 8) -> list[str]:
    require_agent(actor, "summarise documents")
    if not text.strip():
        raise InvalidInputError("the document is empty", field="text")
    if len(text) > MAX_DOCUMENT_CHARS:
        raise InvalidInputError(f"the document is longer than {MAX_DOCUMENT_CHARS} characters")
    if not 1 <= max_sentences <= 50:
        raise InvalidInputError("max_sentences must be 1-50", field="max_sentences")
    return summarise(text, max_sentences=max_sentences, max_chars=200 * max_sentences)


class DraftTask(StrEnum):
    SUMMARY = "summary"
    TRANSLATION = "translation"
    REPLY = "reply"


_INSTRUCTIONS = {
    DraftTask.SUMMARY: "Summarise this support ticket for an engineer in at most 6 bullet "
    "points: symptoms, environment, what was tried, open questions.",
    DraftTask.TRANSLATION: "Translate the customer's messages of this support ticket into "
    "{language}. Keep codes, versions and log lines unchanged.",
    DraftTask.REPLY: "Draft a short, polite reply from the support engineer to the customer, "
    "in {language}, based on the thread. Do not promise anything the thread does not support.",
}


def draft_with_language_model(
    desk: Desk, actor: Actor, reference: int | str, task: DraftTask, language: str | None = None
) -> str:
    """A draft from the configured language model, for the agent to read and edit. Internal
    notes are never sent to it (it may be a cloud service). ``language`` left out: a reply is
    drafted in the customer's (the ticket's, else the contact's stated one), a summary or
    translation in English, for the engineer."""
    require_agent(actor, "draft with the language model")
    llm = desk.understanding.llm if desk.understanding else None
    if llm is None:
        raise InvalidTransitionError("no language model is configured (understanding.llm_endpoint)")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        thread = "\n\n".join(
            f"[{m.kind}] {m.author_name}: {m.body_text}"
            for m in ticket.messages
            if m.kind is not MessageKind.INTERNAL_NOTE
        )
        if language is None and task is DraftTask.REPLY:
            requester = uow.contacts.get(ticket.requester_id)
            language = ticket.language or (requester.language if requester else None)
    language = language or "en"
    instruction = _INSTRUCTIONS[task].format(language=language)
    return llm.complete(instruction, f"Subject: {ticket.subject}\n\n{thread[:20000]}")
