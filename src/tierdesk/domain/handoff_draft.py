"""A first draft of the hand-off packet, read off the ticket's thread by plain rules.

It saves the escalating engineer the retyping: symptoms from what the customer wrote, the
environment from the catalogue and from the facts in the thread, steps from the numbered
instructions agents gave (or, in a reply without a list, what it asked the customer to do) with
what the customer answered and from what internal notes say was tried, hypotheses from internal
notes, and the questions still unanswered. The engineer edits it before sending; nothing here
is final.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tierdesk.domain.handoff import PacketContent, TriedStep
from tierdesk.domain.messages import Message, MessageKind

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9¿¡])")
_STEP = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+(?P<step>\S.*)$")
# "Tried …", "Checked …", also "I tried …", "We have already checked …".
_NOTE_STEP = re.compile(
    r"^(?:(?:i|we)(?:\s+(?:have|had|also|already|just))*\s+)?"
    r"(?:tried|checked|verified|tested|confirmed|restarted|rebooted|reset|upgraded|ran|"
    r"reproduced|replaced|reinstalled|updated)\b",
    re.IGNORECASE,
)
# Sentences of a reply that are courtesy, not something the customer was asked to do.
_COURTESY = re.compile(
    r"^(?:thanks|thank you|many thanks|sorry|apologies|i am sorry|we are sorry|"
    r"i'm sorry|we're sorry|hope|i hope|we hope|best|regards|kind regards)\b",
    re.IGNORECASE,
)
_MAX_STEP_CHARS = 300
_HYPOTHESIS = re.compile(
    r"\b(suspect|likely|probably|looks like|might be|could be|seems|hypothes|root cause|"
    r"maybe|possibly|points to)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(hello|hi|dear|hallo|guten tag|buongiorno|ciao|bonjour|hola|estimad[oa]s?|"
    r"sehr geehrte|gentile)\b[^\n]*$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(regards|best|thanks|thank you|kind regards|cheers|viele grüße|mit freundlichen|"
    r"grazie|cordiali saluti|cordialement|merci|saludos|un saludo|gracias)\b",
    re.IGNORECASE,
)
_FACTS = {
    "IPs": re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b"),
    "hosts": re.compile(r"\b(?=[a-z0-9-]*[a-z])[a-z0-9-]+(?:\.[a-z0-9-]+){2,}\b", re.IGNORECASE),
    "MACs": re.compile(r"\b[0-9A-F]{2}(?::[0-9A-F]{2}){5}\b", re.IGNORECASE),
    "versions": re.compile(r"\b(?:v|version |release |firmware )?\d+\.\d+(?:\.\d+){0,2}\b"),
    "codes": re.compile(
        r"\b(?:SIP/2\.0 \d{3}[ A-Za-z]*|[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+|[A-Z]{2,}-\d{2,})\b"
    ),
}
_MAX_SYMPTOM_SENTENCES = 4
_MAX_FACTS = 6


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if s.strip()]


def _body_lines(text: str) -> list[str]:
    """The message without greeting and sign-off lines."""
    lines = [line.rstrip() for line in text.splitlines()]
    kept: list[str] = []
    for line in lines:
        if _CLOSING.match(line.strip()) and not _SENTENCE.search(line.strip()):
            break  # everything after a sign-off is the signature ("Thanks for X. Do Y." is not)
        if _GREETING.match(line.strip()) and not kept:
            continue
        kept.append(line)
    return kept


def _symptoms(subject: str, first: Message | None) -> str:
    if first is None:
        return subject
    prose = [line for line in _body_lines(first.body_text) if line.strip()]
    sentences = _sentences(" ".join(prose))[:_MAX_SYMPTOM_SENTENCES]
    return f"{subject}: " + " ".join(sentences) if sentences else subject


def _environment(texts: Iterable[str]) -> str:
    joined = "\n".join(texts)
    parts = []
    for label, pattern in _FACTS.items():
        found = list(dict.fromkeys(m.group(0).strip() for m in pattern.finditer(joined)))
        if label == "hosts":  # an IP address is not a host name
            found = [f for f in found if not _FACTS["IPs"].fullmatch(f)]
        if found:
            parts.append(f"{label}: " + ", ".join(found[:_MAX_FACTS]))
    return "; ".join(parts)


def _suggested_step(reply: Message) -> str:
    """What a reply without numbered steps asked the customer to do: its first sentence that
    is neither a question nor courtesy ("Hold Mute and 0 while you plug the phone in.")."""
    prose = " ".join(line for line in _body_lines(reply.body_text) if line.strip())
    for sentence in _sentences(prose):
        if not sentence.endswith("?") and not _COURTESY.match(sentence):
            return sentence[:_MAX_STEP_CHARS]
    return ""


def _first_sentence(message: Message | None) -> str:
    if message is None:
        return ""
    sentences = _sentences(" ".join(line for line in _body_lines(message.body_text) if line))
    return sentences[0] if sentences else ""


def draft_packet(
    subject: str,
    messages: list[Message],
    product: str | None = None,
    version: str | None = None,
) -> PacketContent:
    customer = [m for m in messages if m.kind is MessageKind.CUSTOMER]
    steps: list[TriedStep] = []
    open_questions: list[str] = []
    for index, message in enumerate(messages):
        following = next((m for m in messages[index + 1 :] if m.kind is MessageKind.CUSTOMER), None)
        if message.kind is MessageKind.PUBLIC_REPLY:
            result = _first_sentence(following)
            listed = [
                m["step"].strip() for m in map(_STEP.match, message.body_text.splitlines()) if m
            ]
            # A reply without a numbered list is still something the customer was asked to try.
            suggested = [] if listed else [_suggested_step(message)]
            steps += [TriedStep(step, result) for step in [*listed, *suggested] if step]
            if following is None:
                open_questions += [s for s in _sentences(message.body_text) if s.endswith("?")]
        elif message.kind is MessageKind.INTERNAL_NOTE:
            for sentence in _sentences(message.body_text):
                if _NOTE_STEP.match(sentence):
                    steps.append(TriedStep(sentence))
    hypotheses = [
        sentence
        for note in messages
        if note.kind is MessageKind.INTERNAL_NOTE
        for sentence in _sentences(note.body_text)
        if _HYPOTHESIS.search(sentence)
    ]
    diagnostics = [a.id for m in customer for a in m.attachments if a.id is not None]
    return PacketContent(
        symptoms=_symptoms(subject, customer[0] if customer else None),
        product=product,
        version=version,
        environment=_environment(m.body_text for m in customer),
        steps_tried=steps,
        diagnostics=diagnostics,
        hypotheses=list(dict.fromkeys(hypotheses)),
        open_questions=list(dict.fromkeys(open_questions)),
    )
