"""Answers at levels 0 and 1: when the desk may answer a ticket from its own knowledge, and how
the answer reads (issue 17).

A queue's policy says what the answerer does with an answer it found: nothing (``off``), show
it to the agent (``suggest``), put it ready to send on the ticket page (``draft``), or send it
to the customer (``send``). Whatever the policy, ``why_not`` names the limits no policy lifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# The policy lives in its own module (support plans name it too); it is used from here.
from tierdesk.domain.answer_policy import AnswerPolicy as AnswerPolicy
from tierdesk.domain.answer_policy import parse_policy as parse_policy
from tierdesk.domain.answer_policy import stricter as stricter
from tierdesk.domain.customer_texts import customer_language, customer_text, has_text
from tierdesk.domain.people import Tier


@dataclass(frozen=True)
class AnswerSettings:
    """Settings ``answers.*``: the confidence an answer needs, how long a sent answer waits for
    the customer's verdict, and where the portal is (for the links in answers)."""

    min_confidence: float = 0.55
    assume_solved_days: int = 7
    portal_url: str = ""  # public_url without its trailing slash; "" gives relative links


class AnswerOutcome(StrEnum):
    """What became of a sent answer."""

    VERIFIED = "verified"  # the customer said it solved it
    ASSUMED = "assumed"  # no reaction in answers.assume_solved_days
    REOPENED = "reopened"  # the customer said no, or wrote back: a person takes it at L1


@dataclass(frozen=True)
class AnswerGate:
    """What the answerer must know about a ticket before it acts."""

    tier: Tier
    incident_linked: bool
    defect_linked: bool
    restricted_diagnostics: bool
    answered_before: bool
    agent_replied: bool


def why_not(gate: AnswerGate) -> str | None:
    """Why the answerer must leave this ticket to a person; None when it may act. These hold
    whatever the queue's policy: answers are for levels 0 and 1, never for a ticket that is
    part of an incident or a defect or carries diagnostics only some levels may read, once per
    ticket, and never once a person has answered the customer."""
    if gate.tier > Tier.L1:
        return f"the ticket is at {gate.tier.label}; answers are for L0 and L1 only"
    if gate.incident_linked:
        return "the ticket is linked to an incident"
    if gate.defect_linked:
        return "the ticket is linked to a defect"
    if gate.restricted_diagnostics:
        return "the ticket carries restricted diagnostics"
    if gate.answered_before:
        return "the ticket was answered automatically before"
    if gate.agent_replied:
        return "an agent has replied to the customer"
    return None


# Hits looked at per search (per kind of source) when the answerer picks its answer.
ANSWER_CANDIDATES = 3


def pick_in_ranking(confidences: Sequence[float], threshold: float) -> int | None:
    """Which of one search's hits, in its rank order, the answerer takes: the highest-ranked
    one whose confidence reaches ``threshold``; when none does, the most confident (it is not
    answered, but its confidence is the best seen). None for no hits.

    Not simply the most confident: the confidence is fitted on every hit of a result list
    alike, and a lower-ranked hit that outscores a first hit which is confident enough itself
    was right less often on the Smart TV development questions (precision 0.887 against 0.901
    at the same coverage at 0.55; never better at any threshold; bench/answers.py)."""
    if not confidences:
        return None
    for at, confidence in enumerate(confidences):
        if confidence >= threshold:
            return at
    return max(range(len(confidences)), key=lambda at: (confidences[at], -at))


class SourceKind(StrEnum):
    KNOWN_ISSUE = "known-issue"
    ARTICLE = "article"
    MANUAL = "manual"
    SOLUTION = "solution"  # the public answer of a solved ticket
    # Not an answer: the clarifying question the answerer asked instead, from the checklist of
    # what a ticket of its type needs (domain/clarify.py).
    CLARIFY = "clarify"


@dataclass(frozen=True)
class AnswerSource:
    """The one passage an answer is built around, and where it is written."""

    kind: SourceKind
    key: str  # the search document's key, or "ticket:<id>" for a solution
    title: str
    passage: str
    confidence: float
    link: str | None = None  # articles and known issues: where the customer reads it whole
    section: str | None = None  # manuals: the section it is from
    language: str | None = None  # the passage's language, when known

    @property
    def citation(self) -> str:
        if self.kind is SourceKind.MANUAL and self.section:
            return f"{self.title}, {self.section}"
        return f"{self.title} ({self.link})" if self.link else self.title


def compose_answer(source: AnswerSource, language: str | None, portal_link: str) -> str:
    """The answer in the customer's language: the framing from ``customer_texts``, the cited
    passage as written (with a note when it is in another language), and the question that
    closes the loop."""
    lang = customer_language(language)
    if source.kind is SourceKind.MANUAL:
        lead = customer_text(
            lang, "answer.from_manual", document=source.title, section=source.section or ""
        )
    elif source.kind is SourceKind.SOLUTION:
        lead = customer_text(lang, "answer.from_solution")
    elif source.kind is SourceKind.KNOWN_ISSUE:
        lead = customer_text(lang, "answer.from_known_issue", title=source.title)
    else:
        lead = customer_text(
            lang, "answer.from_article", title=source.title, link=source.link or portal_link
        )
    parts = [customer_text(lang, "answer.intro"), lead, _quoted(source.passage)]
    written = (source.language or "").split("-")[0].lower()
    if written and written != lang:
        key = f"answer.language.{written}"
        named = customer_text(lang, key) if has_text(key) else written
        parts.append(customer_text(lang, "answer.quoted", source_language=named))
    parts.append(customer_text(lang, "answer.solved_question", link=portal_link))
    return "\n\n".join(parts)


def settled_answer(text: str, portal_link: str) -> str:
    """An answer the customer confirmed, as the ticket's public answer: without its closing
    "did this solve it?" paragraph (the one that holds the ticket's portal link, in any
    language, rewritten or not), which asks nothing any more and, offered to a later customer
    as a solved ticket's answer, would send them to this ticket."""
    paragraphs = text.rstrip().split("\n\n")
    if len(paragraphs) > 1 and portal_link and portal_link in paragraphs[-1]:
        return "\n\n".join(paragraphs[:-1]).rstrip()
    return text


def _quoted(passage: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in passage.strip().splitlines())


@dataclass(eq=False)
class AnswerAttempt:
    """One ticket's automatic answer (at most one per ticket)."""

    ticket_id: int
    queue: str
    tier: Tier
    policy: AnswerPolicy
    language: str
    source_kind: SourceKind
    source_key: str
    citation: str
    confidence: float
    text: str
    created_at: datetime
    sent_at: datetime | None = None  # posted to the customer (by the answerer or an agent)
    sent_by_agent: bool = False  # a draft or suggestion an agent sent
    message_id: int | None = None
    outcome: AnswerOutcome | None = None
    outcome_at: datetime | None = None
    id: int | None = None

    @property
    def asks(self) -> bool:
        """The answerer asked for missing facts instead of answering: no verdict is owed."""
        return self.source_kind is SourceKind.CLARIFY


# -- honest accounting ----------------------------------------------------------------------


@dataclass
class AnswerCounts:
    """What the answerer did in one queue (at the level the ticket was at when answered), for
    answers made in the period. ``answered`` counts only answers the desk sent on its own;
    suggestions and drafts an agent sent count as ``accepted`` (an agent decided). Of the
    answered: ``verified`` (the customer said yes), ``assumed`` (no reaction; not proof),
    ``reopened`` (the customer said no or wrote back), ``escalated`` (later beyond L1),
    ``waiting`` (no verdict yet). A clarifying question the answerer chose instead of an answer
    is none of these: ``asked`` when it was sent, ``ask_proposed`` when shown to the agent."""

    level: int
    queue: str
    tickets: int = 0  # tickets opened in the period that are in this queue now
    answered: int = 0
    verified: int = 0
    assumed: int = 0
    reopened: int = 0
    escalated: int = 0
    waiting: int = 0
    offered: int = 0  # suggestions and drafts shown to agents
    accepted: int = 0  # of those, sent by an agent
    asked: int = 0  # clarifying questions the answerer sent instead of an answer
    ask_proposed: int = 0  # clarifying questions it proposed to the agent (policy suggest)

    @property
    def answered_share(self) -> float | None:
        return round(self.answered / self.tickets, 4) if self.tickets else None

    @property
    def acceptance(self) -> float | None:
        return round(self.accepted / self.offered, 4) if self.offered else None


def count_answers(
    attempts: list[AnswerAttempt],
    tickets_per_queue: dict[tuple[int, str], int],
    escalated: set[int],
) -> list[AnswerCounts]:
    """Counts per (level, queue); ``escalated``: the ids of tickets now beyond L1."""
    counts: dict[tuple[int, str], AnswerCounts] = {
        key: AnswerCounts(key[0], key[1], tickets=n) for key, n in tickets_per_queue.items()
    }
    for attempt in attempts:
        key = (int(attempt.tier), attempt.queue)
        row = counts.setdefault(key, AnswerCounts(*key))
        if attempt.asks:
            row.asked += attempt.sent_at is not None and not attempt.sent_by_agent
            row.ask_proposed += attempt.policy is AnswerPolicy.SUGGEST
            continue
        if attempt.policy is not AnswerPolicy.SEND:
            row.offered += 1
            row.accepted += attempt.sent_by_agent
            continue
        row.answered += 1
        if attempt.ticket_id in escalated:
            row.escalated += 1
        if attempt.outcome is AnswerOutcome.VERIFIED:
            row.verified += 1
        elif attempt.outcome is AnswerOutcome.ASSUMED:
            row.assumed += 1
        elif attempt.outcome is AnswerOutcome.REOPENED:
            row.reopened += 1
        else:
            row.waiting += 1
    return sorted(
        (c for c in counts.values() if c.answered or c.offered or c.asked or c.ask_proposed),
        key=lambda c: (c.level, c.queue),
    )
