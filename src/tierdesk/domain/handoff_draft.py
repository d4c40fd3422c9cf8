"""A first draft of the hand-off packet, read off the ticket's thread by plain rules.

It saves the escalating engineer the retyping. Every message is read as its writer's own
sentences (``message_prose``: no quoted history, greeting, signature, pasted log or trace):

- **symptoms**: the subject and a sentence or two of the first customer message that state the
  problem; what the customer said later that no step accounts for ("Since then: …"); and,
  whenever the customer wrote more than once, their latest message ("Latest from customer: …"),
  so the packet says where things stand now;
- **environment**: the catalogue's product and version, the facts in customer text (IPs, host
  names, MACs, versions, error codes) and where a log was pasted (the log itself is a
  diagnostic: its templates and traces are facts of the ticket, not symptoms);
- **steps tried**, each with its own result (``tried_steps``): the numbered instructions agents
  gave (or, in a reply without a list, what it asked the customer to do) with what the
  customer's next message says about each, what internal notes say was done, and what the
  customer says they already did;
- **hypotheses** from internal notes and the **questions** the customer has not answered yet.

The recognisers read en/de/it/fr/es. The engineer edits the draft before sending; nothing here
is final.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tierdesk.domain.handoff import PacketContent, TriedStep
from tierdesk.domain.message_prose import (
    MAX_STATEMENT_CHARS,
    Prose,
    clip,
    gist,
    read_prose,
    statement,
    substance,
)
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.domain.summaries import summarise_sentences
from tierdesk.domain.tried_steps import (
    is_verdict,
    listed_steps,
    pair_results,
    reports_step,
    split_result,
)

_HYPOTHESIS = re.compile(
    r"\b(?:suspect|likely|probably|looks like|might be|could be|seems|hypothes\w*|root cause|"
    r"maybe|possibly|points to|vermutlich|wahrscheinlich|vielleicht|könnte|scheint|verdacht|"
    r"vermute|probabilmente|forse|potrebbe|sembra|sospetto|sospettiamo|probablement|peut-être|"
    r"pourrait|semble|soupçonne|soupçonnons|probablemente|quizás|quizá|tal vez|podría|parece|"
    r"sospecho|sospechamos)\b",
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
_MAX_FACTS = 6
PASTED_LOG = "pasted log: "  # the environment's part that says where a log was pasted
_MAX_STEP_CHARS = 300
_MIN_STEP_WORDS = 3  # "Perfect." or "Alles klar." acknowledges; it asks nothing


@dataclass
class _Step:
    step: str
    result: str = ""
    from_next: bool = False  # the result is the sentence after the step's


def draft_packet(
    subject: str,
    messages: list[Message],
    product: str | None = None,
    version: str | None = None,
) -> PacketContent:
    prose = [read_prose(m.body_text) for m in messages]
    customer = [i for i, m in enumerate(messages) if m.kind is MessageKind.CUSTOMER]
    steps: list[_Step] = []
    pending: list[_Step] = []  # given to the customer, not answered yet
    open_questions: list[str] = []
    later: list[str] = []  # what the customer said between the first and the latest message
    first_words: list[str] = []
    for index, message in enumerate(messages):
        sentences = prose[index].sentences
        if message.kind is MessageKind.PUBLIC_REPLY:
            given = [_Step(s[:_MAX_STEP_CHARS]) for s in _given_steps(message, prose[index]) if s]
            steps += given
            pending += given
            if not any(i > index for i in customer):
                open_questions += [s for s in sentences if s.endswith("?")]
        elif message.kind is MessageKind.INTERNAL_NOTE:
            steps += _reported_steps(list(sentences), by_customer=False).values()
        else:
            answer = substance(sentences)
            own = _reported_steps(answer, by_customer=True)
            own_used = set(own) | {i + 1 for i, s in own.items() if s.from_next}
            results, used = pair_results([s.step for s in pending], answer, set(own))
            for step, result in zip(pending, results, strict=True):
                step.result = clip(result, _MAX_STEP_CHARS)
            pending = []
            steps += [s for i, s in own.items() if i not in used]
            rest = [s for i, s in enumerate(answer) if i not in used and i not in own_used]
            if index == customer[0]:
                first_words = rest
            elif index != customer[-1]:
                later += rest
    hypotheses = [
        sentence
        for index, note in enumerate(messages)
        if note.kind is MessageKind.INTERNAL_NOTE
        for sentence in prose[index].sentences
        if _HYPOTHESIS.search(sentence)
    ]
    diagnostics = [a.id for i in customer for a in messages[i].attachments if a.id is not None]
    return PacketContent(
        symptoms=_symptoms(subject, [prose[i] for i in customer], first_words, later),
        product=product,
        version=version,
        environment=_environment(prose, customer),
        steps_tried=[TriedStep(s.step, s.result) for s in steps],
        diagnostics=diagnostics,
        hypotheses=list(dict.fromkeys(hypotheses)),
        open_questions=list(dict.fromkeys(open_questions)),
    )


def _given_steps(reply: Message, prose: Prose) -> list[str]:
    """The numbered or bulleted instructions of a reply; in a reply without a list, the first
    thing it asked the customer to do ("Hold Mute and 0 while you plug the phone in.")."""
    listed = listed_steps(reply.body_text)
    if listed:
        return listed
    asked = next(
        (
            s
            for s in substance(prose.sentences)
            if not s.endswith("?") and len(s.split()) >= _MIN_STEP_WORDS
        ),
        "",
    )
    return [asked] if asked else []


def _reported_steps(sentences: list[str], *, by_customer: bool) -> dict[int, _Step]:
    """Steps someone says were done, by the sentence that says so, each with the verdict in
    its sentence ("…, no change") or in the next one."""
    steps: dict[int, _Step] = {}
    for index, sentence in enumerate(sentences):
        if index - 1 in steps and steps[index - 1].from_next:
            continue
        if not reports_step(sentence, by_customer=by_customer):
            continue
        step, result = split_result(sentence)
        following = sentences[index + 1] if index + 1 < len(sentences) else ""
        from_next = bool(
            not result
            and following
            and is_verdict(following)
            and not reports_step(following, by_customer=by_customer)
        )
        result = following if from_next else result
        steps[index] = _Step(step[:_MAX_STEP_CHARS], clip(result, _MAX_STEP_CHARS), from_next)
    return steps


def _symptoms(subject: str, customer: list[Prose], first: list[str], later: list[str]) -> str:
    if not customer:
        return subject
    opening = clip(" ".join(first[:2]), MAX_STATEMENT_CHARS) or statement(customer[0])
    parts = [f"{subject}: {opening}" if opening else subject]
    if later:
        since = summarise_sentences(later, max_sentences=2, max_chars=MAX_STATEMENT_CHARS)
        parts.append("Since then: " + " ".join(since))
    if len(customer) > 1:
        parts.append("Latest from customer: " + gist(customer[-1]))
    return " ".join(p for p in parts if p.strip())


def _environment(prose: list[Prose], customer: list[int]) -> str:
    # Read from what the customer wrote, not from a pasted log: a log's timestamps are not
    # versions, and its templates and addresses reach the packet as facts of the ticket.
    joined = "\n".join(s for i in customer for s in prose[i].sentences)
    parts = []
    addresses = [m.group(0) for m in _FACTS["IPs"].finditer(joined)]
    for label, pattern in _FACTS.items():
        found = list(dict.fromkeys(m.group(0).strip() for m in pattern.finditer(joined)))
        if label in ("hosts", "versions"):  # an IP address is neither
            found = [f for f in found if not any(f in address for address in addresses)]
        if found:
            parts.append(f"{label}: " + ", ".join(found[:_MAX_FACTS]))
    pasted = [
        f"{prose[i].log_lines} lines in customer message {n}"
        for n, i in enumerate(customer, start=1)
        if prose[i].log_lines
    ]
    if pasted:
        parts.append(PASTED_LOG + ", ".join(pasted))
    return "; ".join(parts)
