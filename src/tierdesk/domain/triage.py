"""Triage as values: what the model guessed for a ticket, whether people agreed, and how good
it has been on this desk. Also the cold-start rules for a desk with no history yet."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.catalog import Product
from tierdesk.domain.people import Tier
from tierdesk.domain.routing import Queue
from tierdesk.domain.ticket_values import Priority, TicketType


class TriageField(StrEnum):
    QUEUE = "queue"
    PRODUCT = "product"
    COMPONENT = "component"
    TYPE = "type"
    PRIORITY = "priority"
    LEVEL = "level"


# What a classifier reads of a ticket: the same at intake and in training, so the model is
# never asked about text shaped unlike what it learnt from.
TEXT_LIMIT = 4000


def triage_text(subject: str, first_message: str) -> str:
    """The subject and the first customer message (its first ``TEXT_LIMIT`` characters)."""
    return f"{subject}\n{first_message[:TEXT_LIMIT]}"


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # an agent kept the suggestion
    CORRECTED = "corrected"  # an agent chose another value: a new training label


@dataclass(frozen=True)
class LabelGuess:
    """A classifier's answer for one field: ``label`` is None when it abstains; ``best`` is
    its most likely label all the same (shown to the agent as a hint)."""

    label: str | None
    confidence: float
    best: str
    alternatives: tuple[tuple[str, float], ...] = ()


@dataclass(eq=False)
class TriagePrediction:
    ticket_id: int
    field: TriageField
    best: str
    confidence: float
    abstained: bool
    source: str  # "model" (trained on this desk) or "cold-start" (rules + label descriptions)
    created_at: datetime
    model_id: int | None = None
    alternatives: list[list[object]] = dataclasses.field(default_factory=list)
    outcome: Outcome | None = None
    final_value: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    id: int | None = None

    @property
    def suggested(self) -> str | None:
        return None if self.abstained else self.best

    def decide(self, value: str, by: str, at: datetime) -> None:
        self.outcome = Outcome.ACCEPTED if value == self.best else Outcome.CORRECTED
        self.final_value, self.decided_by, self.decided_at = value, by, at


@dataclass(frozen=True)
class FieldReport:
    """How one field's predictions went. ``accepted`` and ``corrected`` count every decision,
    so they add up to ``decided`` (an agent who keeps the hint of a prediction the model
    abstained on accepted it, as the API says); ``accuracy`` judges only the answers the model
    gave, so abstentions neither help nor hurt it."""

    field: TriageField
    predictions: int
    abstained: int
    decided: int
    accepted: int  # decided and the suggestion (or, after an abstention, the hint) was kept
    corrected: int
    answered_decided: int = 0  # decided predictions the model did not abstain on
    answered_accepted: int = 0  # ... of which agents kept the answer

    @property
    def accuracy(self) -> float | None:
        """Share of decided, answered predictions that agents kept (None: nothing decided)."""
        if not self.answered_decided:
            return None
        return self.answered_accepted / self.answered_decided

    @property
    def abstain_rate(self) -> float:
        return self.abstained / self.predictions if self.predictions else 0.0


def report(predictions: Iterable[TriagePrediction]) -> list[FieldReport]:
    by_field: dict[TriageField, list[TriagePrediction]] = {}
    for prediction in predictions:
        by_field.setdefault(prediction.field, []).append(prediction)
    rows = []
    for triage_field in TriageField:
        items = by_field.get(triage_field, [])
        decided = [p for p in items if p.outcome is not None]
        answered = [p for p in decided if not p.abstained]
        rows.append(
            FieldReport(
                triage_field,
                predictions=len(items),
                abstained=sum(p.abstained for p in items),
                decided=len(decided),
                accepted=sum(p.outcome is Outcome.ACCEPTED for p in decided),
                corrected=sum(p.outcome is Outcome.CORRECTED for p in decided),
                answered_decided=len(answered),
                answered_accepted=sum(p.outcome is Outcome.ACCEPTED for p in answered),
            )
        )
    return rows


def correction_choices(
    triage_field: TriageField,
    products: Sequence[Product],
    queues: Sequence[Queue],
    product_id: int | None,
) -> list[tuple[str, str]]:
    """Every value an agent may correct ``triage_field`` to, as (value, label): the whole
    catalogue, not only the few labels the model ranked (the right answer is often the one
    it did not think of). Components are the ticket's product's, or every product's while
    the ticket has none."""
    if triage_field is TriageField.PRODUCT:
        return sorted(((p.key, p.name) for p in products), key=lambda c: c[1].lower())
    if triage_field is TriageField.COMPONENT:
        owners = [p for p in products if p.id == product_id] or list(products)
        named: dict[str, tuple[str, str]] = {}
        for product in owners:
            for component in product.components:
                label = component.name if len(owners) == 1 else f"{component.name} ({product.name})"
                named.setdefault(component.name.lower(), (component.name, label))
        return sorted(named.values(), key=lambda c: c[1].lower())
    if triage_field is TriageField.QUEUE:
        active = sorted((q for q in queues if q.active), key=lambda q: (q.tier, q.name.lower()))
        return [(q.key, f"{q.name} ({q.tier.label})") for q in active]
    if triage_field is TriageField.TYPE:
        return [(str(t), str(t)) for t in TicketType]
    if triage_field is TriageField.PRIORITY:
        return [(str(p), str(p)) for p in Priority]
    return [(t.label, t.label) for t in Tier]


# -- cold start ------------------------------------------------------------------------------

# Words that decide a ticket's type or priority in any desk; multilingual (en de it fr es).
TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "outage",
        re.compile(
            r"\b(outage|down for (all|every)|all (users|calls|sites)|nothing works|"
            r"ausfall|totalausfall|guasto totale|disservizio|panne g[ée]n[ée]rale|"
            r"ca[ií]da total)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "licensing",
        re.compile(
            r"\b(licen[cs]e|licensing|lizenz|licenza|licencia|subscription "
            r"renewal|activation key)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "enhancement",
        re.compile(
            r"\b(feature request|would be (nice|great)|please add|"
            r"enhancement|wish|w[üu]nschen|funzionalit[àa] nuova|"
            r"am[ée]lioration|mejora)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "question",
        re.compile(
            r"^(how|what|where|can i|is it possible|wie|come|comment|c[oó]mo)\b"
            r"|\?\s*$",
            re.IGNORECASE,
        ),
    ),
    (
        "problem",
        re.compile(
            r"\b(error|fail(s|ed|ure)?|crash|broken|not working|does not work|"
            r"fehler|funktioniert nicht|errore|non funziona|erreur|ne fonctionne "
            r"pas|no funciona)\b",
            re.IGNORECASE,
        ),
    ),
)
PRIORITY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "P1",
        re.compile(
            r"\b(outage|all (users|calls|sites)|production (is )?down|emergency|"
            r"ausfall|dringend|urgente|urgent|critical|kritisch|critico)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "P2",
        re.compile(
            r"\b(many users|severe|degraded|no workaround|intermittent|"
            r"beeintr[äa]chtigt|degradato|d[ée]grad[ée])\b",
            re.IGNORECASE,
        ),
    ),
    ("P4", re.compile(r"\b(cosmetic|typo|question|just wondering|frage|domanda)\b", re.IGNORECASE)),
)
RULE_CONFIDENCE = 0.8  # a keyword rule is a strong hint, not a certainty


def rule_guess(rules: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> LabelGuess | None:
    for label, pattern in rules:
        if pattern.search(text):
            return LabelGuess(label, RULE_CONFIDENCE, label)
    return None


def guess_by_similarity(
    similarities: dict[str, float], threshold: float, margin: float = 0.05
) -> LabelGuess | None:
    """The label whose description is most similar to the ticket, if it stands out: at least
    ``threshold`` cosine and ``margin`` ahead of the next (else an abstention)."""
    if not similarities:
        return None
    ranked = sorted(similarities.items(), key=lambda item: -item[1])
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
    sure = score >= threshold and score - runner_up >= margin
    return LabelGuess(best if sure else None, max(score, 0.0), best, tuple(ranked[:3]))
