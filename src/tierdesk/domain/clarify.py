"""Clarifying questions: what a ticket of its type needs that nobody said yet, asked once, in
the customer's language, from the fixed texts of ``domain/customer_texts`` (no translation
engine needed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.customer_texts import customer_language, customer_text
from tierdesk.domain.facts import FactKind


class Needed(StrEnum):
    VERSION = "version"
    ERROR_TEXT = "error"
    SINCE = "since"
    LOGS = "logs"


# What each ticket type needs before an engineer can work it.
REQUIRED: dict[str, tuple[Needed, ...]] = {
    "problem": (Needed.VERSION, Needed.ERROR_TEXT, Needed.SINCE),
    "defect": (Needed.VERSION, Needed.ERROR_TEXT, Needed.LOGS),
    "outage": (Needed.SINCE,),
}
# Which fact kinds answer which need.
ANSWERED_BY: dict[Needed, frozenset[FactKind]] = {
    Needed.VERSION: frozenset({FactKind.VERSION, FactKind.PRODUCT_VERSION}),
    Needed.ERROR_TEXT: frozenset(
        {
            FactKind.ERROR_CODE,
            FactKind.SIP_STATUS,
            FactKind.HTTP_STATUS,
            FactKind.STACK_TRACE,
            FactKind.LOG_TEMPLATE,
        }
    ),
    Needed.SINCE: frozenset({FactKind.SINCE, FactKind.TIMESTAMP}),
    Needed.LOGS: frozenset({FactKind.LOG_TEMPLATE, FactKind.STACK_TRACE}),
}


class ClarifyMode(StrEnum):
    OFF = "off"
    PROPOSE = "propose"  # stored for an agent to send with one click
    SEND = "send"  # sent to the customer at once; the ticket then waits on them


@dataclass(eq=False)
class ClarifyingQuestion:
    ticket_id: int
    missing: list[str]
    language: str
    text: str
    mode: ClarifyMode
    created_at: datetime
    sent_at: datetime | None = None
    message_id: int | None = None
    id: int | None = None


def missing_facts(
    ticket_type: str, present: Iterable[FactKind], has_attachment: bool = False
) -> list[Needed]:
    kinds = set(present)
    missing = []
    for need in REQUIRED.get(ticket_type, ()):
        if need is Needed.LOGS and has_attachment:
            continue
        if not kinds & ANSWERED_BY[need]:
            missing.append(need)
    return missing


def question_text(missing: Iterable[Needed], language: str | None) -> tuple[str, str]:
    """The question and the language it is written in (English when we have no texts)."""
    chosen = customer_language(language)
    items = "\n".join(f"- {customer_text(chosen, f'clarify.{need}')}" for need in missing)
    return f"{customer_text(chosen, 'clarify.intro')}\n{items}", chosen
