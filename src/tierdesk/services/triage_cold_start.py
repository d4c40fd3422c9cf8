"""Triage on a desk with no model yet (or for a field the model does not know): keyword rules
for type and priority, and similarity to the descriptions of the desk's products, components
and intake queues."""

from __future__ import annotations

from tierdesk.domain.people import Tier
from tierdesk.domain.routing import Queue
from tierdesk.domain.triage import (
    PRIORITY_RULES,
    TYPE_RULES,
    LabelGuess,
    TriageField,
    guess_by_similarity,
    rule_guess,
)
from tierdesk.ports import UnitOfWork
from tierdesk.ports.understanding import Understanding

# The fields cold start can guess: with a model for all of them it is not asked at all.
COLD_START_FIELDS = frozenset(set(TriageField) - {TriageField.LEVEL})


def intake_queues(queues: list[Queue]) -> list[Queue]:
    """The queues intake routes to: the active ones at the lowest level above L0. A queue at
    L2 is reached by escalation, never by triage (its description differs from its L1
    sibling's only by the level, so comparing with both could never pick one)."""
    active = [q for q in queues if q.active and q.tier is not Tier.L0]
    if not active:
        return []
    entry = min(q.tier for q in active)
    return [q for q in active if q.tier == entry]


def cold_start(
    uow: UnitOfWork, understanding: Understanding, text: str, facts: str = ""
) -> dict[TriageField, LabelGuess]:
    """Rules for type and priority (on the text and the ``facts`` read from it: an "error
    code: …" fact says problem); for product, component and queue the most similar
    description, when it stands out. The queue follows a confident product guess when one
    intake queue serves that product. Level is left to routing."""
    guesses: dict[TriageField, LabelGuess] = {}
    for triage_field, rules in (
        (TriageField.TYPE, TYPE_RULES),
        (TriageField.PRIORITY, PRIORITY_RULES),
    ):
        guess = rule_guess(rules, f"{text}\n{facts}")
        if guess is not None:
            guesses[triage_field] = guess
    threshold = understanding.config.cold_start_similarity
    products = uow.products.all()
    described = {p.key: f"{p.name}. {p.description}" for p in products}
    product_guess = guess_by_similarity(
        understanding.classifiers.similarities(text, described), threshold
    )
    chosen = None
    if product_guess is not None:
        guesses[TriageField.PRODUCT] = product_guess
        chosen = next((p for p in products if p.key == product_guess.best), None)
        if chosen is not None and chosen.components:
            parts = {c.name: f"{chosen.name} {c.name}. {c.description}" for c in chosen.components}
            component_guess = guess_by_similarity(
                understanding.classifiers.similarities(text, parts), threshold
            )
            if component_guess is not None:
                guesses[TriageField.COMPONENT] = component_guess
    candidates = intake_queues(uow.queues.all())
    serving = [q for q in candidates if chosen is not None and q.product_id == chosen.id]
    if product_guess is not None and product_guess.label is not None and len(serving) == 1:
        guesses[TriageField.QUEUE] = LabelGuess(
            serving[0].key, product_guess.confidence, serving[0].key
        )
        return guesses
    names = {p.id: p.name for p in products}
    queues = {
        q.key: f"{q.name}. {names.get(q.product_id, '') if q.product_id else ''}"
        for q in candidates
    }
    queue_guess = guess_by_similarity(
        understanding.classifiers.similarities(text, queues), threshold
    )
    if queue_guess is not None:
        guesses[TriageField.QUEUE] = queue_guess
    return guesses
