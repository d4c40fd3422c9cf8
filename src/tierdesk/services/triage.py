"""Triage: predict a new ticket's queue, product, component, type, priority and level; abstain
when unsure (the ticket stays with a person at L0); learn from every agent's decision.

- With a trained model (``tierdesk triage train``, or the retrain job after enough
  corrections) each field has its own classifier (assist/triage.py) fitted on this desk's
  solved tickets. With none, cold start: keyword rules for type and priority, and similarity to
  the descriptions of the desk's products, components and queues.
- Every prediction is stored with its confidence, and whether an agent accepted or corrected
  it, so ``triage_report`` always knows the model's accuracy on this desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.facts import describe
from tierdesk.domain.people import Actor, SystemActor, Tier
from tierdesk.domain.tickets import Priority, Ticket, TicketType
from tierdesk.domain.triage import (
    PRIORITY_RULES,
    TYPE_RULES,
    FieldReport,
    LabelGuess,
    TriageField,
    TriagePrediction,
    correction_choices,
    guess_by_similarity,
    report,
    rule_guess,
)
from tierdesk.errors import ConfigurationError, InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.understanding import Classifier, Understanding
from tierdesk.services.access import access_ticket, require_agent, require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS, enqueue

TRIAGE = SystemActor(name="triage")
RETRAIN_TASK = "triage.train"
MIN_EXAMPLES_PER_FIELD = 10  # fewer labelled tickets than this: that field stays cold


def _understanding(desk: Desk) -> Understanding:
    if desk.understanding is None:
        raise ConfigurationError("this desk runs without the understanding engines")
    return desk.understanding


def ticket_text(uow: UnitOfWork, ticket: Ticket) -> str:
    """Subject, the first customer message and the facts read from them: what a model sees."""
    first = next((m.body_text for m in ticket.messages if m.kind == "customer"), "")
    facts = uow.facts.for_ticket(ticket.id, include_internal=False) if ticket.id else []
    return f"{ticket.subject}\n{first[:4000]}\n{describe(facts)}"


# -- predicting at intake --------------------------------------------------------------------


def triage_new_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    if desk.understanding is None or ticket.id is None:
        return
    predictions = predict(uow, desk, ticket)
    for prediction in predictions:
        uow.triage.add_prediction(prediction)
    if desk.understanding.config.apply_triage:
        _apply(uow, desk, ticket, [p for p in predictions if not p.abstained], TRIAGE)


def predict(uow: UnitOfWork, desk: Desk, ticket: Ticket) -> list[TriagePrediction]:
    understanding = _understanding(desk)
    assert ticket.id is not None
    text = ticket_text(uow, ticket)
    now = desk.clock.now()
    model_id = uow.triage.latest_model_id()
    guesses: dict[TriageField, tuple[LabelGuess, str, int | None]] = {}
    if model_id is not None:
        for name in uow.triage.model_fields(model_id):
            classifier = understanding.classifiers.load(
                f"{model_id}:{name}",
                lambda name=name: uow.triage.model_data(model_id, name),  # type: ignore[misc]
            )
            guesses[TriageField(name)] = (classifier.predict([text])[0], "model", model_id)
    for triage_field, guess in _cold_start(uow, understanding, text).items():
        guesses.setdefault(triage_field, (guess, "cold-start", None))
    return [
        TriagePrediction(
            ticket.id,
            triage_field,
            guess.best,
            round(guess.confidence, 4),
            guess.label is None,
            source,
            now,
            model_id,
            [[label, round(score, 4)] for label, score in guess.alternatives],
        )
        for triage_field, (guess, source, model_id) in guesses.items()
    ]


def _cold_start(
    uow: UnitOfWork, understanding: Understanding, text: str
) -> dict[TriageField, LabelGuess]:
    """Rules for type and priority; for product, component and queue the most similar
    description, when it stands out. Level is left to routing."""
    guesses: dict[TriageField, LabelGuess] = {}
    for triage_field, rules in (
        (TriageField.TYPE, TYPE_RULES),
        (TriageField.PRIORITY, PRIORITY_RULES),
    ):
        guess = rule_guess(rules, text)
        if guess is not None:
            guesses[triage_field] = guess
    threshold = understanding.config.cold_start_similarity
    products = uow.products.all()
    described = {p.key: f"{p.name}. {p.description}" for p in products}
    product_guess = guess_by_similarity(
        understanding.classifiers.similarities(text, described), threshold
    )
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
    names = {p.id: p.name for p in products}
    queues = {
        q.key: f"{q.name}. {names.get(q.product_id, '') if q.product_id else ''}"
        for q in uow.queues.all()
        if q.active and q.tier is not Tier.L0
    }
    queue_guess = guess_by_similarity(
        understanding.classifiers.similarities(text, queues), threshold
    )
    if queue_guess is not None:
        guesses[TriageField.QUEUE] = queue_guess
    return guesses


def _apply(
    uow: UnitOfWork, desk: Desk, ticket: Ticket, chosen: list[TriagePrediction], by: Actor
) -> None:
    """Set the fields a confident prediction names; the queue only while the ticket is still
    unrouted at L0 (a routing rule that already matched wins)."""
    now = desk.clock.now()
    values: dict[str, object] = {}
    product = None
    for prediction in chosen:
        value = prediction.final_value or prediction.best
        if prediction.field is TriageField.TYPE and value in set(TicketType):
            values["type"] = TicketType(value)
        elif prediction.field is TriageField.PRIORITY and value in set(Priority):
            values["priority"] = Priority(value)
        elif prediction.field is TriageField.PRODUCT and ticket.product_id is None:
            product = uow.products.get_by_key(value)
            if product is not None:
                values["product_id"] = product.id
    for prediction in chosen:
        if prediction.field is TriageField.COMPONENT and ticket.component_id is None:
            owner = product or (uow.products.get(ticket.product_id) if ticket.product_id else None)
            component = (
                owner.component_named(prediction.final_value or prediction.best) if owner else None
            )
            if component is not None:
                values["component_id"] = component.id
    priority = values.pop("priority", None)
    if values:
        ticket.update_fields(by, now, **values)
    if isinstance(priority, Priority) and priority != ticket.priority:
        ticket.change_priority(priority, by, now, "triage")
    queue_prediction = next((p for p in chosen if p.field is TriageField.QUEUE), None)
    if queue_prediction is not None and ticket.tier is Tier.L0 and ticket.queue is None:
        queue = uow.queues.get(queue_prediction.final_value or queue_prediction.best)
        if queue is not None and queue.active:
            ticket.route_to(
                queue.key,
                queue.tier,
                None,
                f"triage suggested {queue.key} ({queue_prediction.confidence:.0%} sure)",
                by,
                now,
            )


# -- agents' decisions -----------------------------------------------------------------------


def triage_suggestions(desk: Desk, actor: Actor, reference: int | str) -> list[TriagePrediction]:
    """The latest prediction per field for a ticket (agents only)."""
    require_agent(actor, "see triage suggestions")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        latest: dict[TriageField, TriagePrediction] = {}
        for prediction in uow.triage.predictions(ticket.id):
            latest[prediction.field] = prediction
        return list(latest.values())


def triage_choices(
    desk: Desk, actor: Actor, reference: int | str
) -> dict[TriageField, list[tuple[str, str]]]:
    """Per field, every value a suggestion may be corrected to (value, label)."""
    require_agent(actor, "see triage suggestions")
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        products, queues = uow.products.all(), uow.queues.all()
    return {f: correction_choices(f, products, queues, ticket.product_id) for f in TriageField}


def decide_suggestion(
    desk: Desk, actor: Actor, reference: int | str, field: str, value: str | None = None
) -> TriagePrediction:
    """Accept a suggestion (``value`` None or equal to it) or correct it (another value: a
    training label). The value is applied to the ticket; a correction may start a retrain."""
    agent = require_agent(actor, "decide triage suggestions")
    try:
        triage_field = TriageField(field)
    except ValueError as exc:
        raise InvalidInputError(f"unknown triage field {field!r}", field="field") from exc
    with desk.uow() as uow:
        ticket = access_ticket(uow, actor, reference, desk.ticket_prefix)
        assert ticket.id is not None
        found = [p for p in uow.triage.predictions(ticket.id) if p.field is triage_field]
        if not found:
            raise NotFoundError(f"no {field} suggestion for this ticket")
        prediction = found[-1]
        chosen = (value or prediction.best).strip()
        if not chosen:
            raise InvalidInputError("a value is needed", field="value")
        allowed = correction_choices(
            triage_field, uow.products.all(), uow.queues.all(), ticket.product_id
        )
        if chosen != prediction.best and chosen not in {v for v, _ in allowed}:
            # a correction is a training label: it must name something the desk has
            raise InvalidInputError(f"{chosen!r} is not a {field} of this desk", field="value")
        now = desk.clock.now()
        prediction.decide(chosen, agent.name, now)
        uow.triage.save_decision(prediction)
        if triage_field is not TriageField.LEVEL:
            _apply(uow, desk, ticket, [prediction], agent)
        _maybe_retrain(uow, desk, now)
        uow.commit()
        return prediction


def _maybe_retrain(uow: UnitOfWork, desk: Desk, now: datetime) -> None:
    threshold = _understanding(desk).config.retrain_after_corrections
    if threshold <= 0:
        return
    stored = uow.triage.latest_model_trained_at()
    since = stored
    if uow.triage.corrections_since(since) >= threshold:
        enqueue(uow, RETRAIN_TASK, {}, at=now, key=f"{RETRAIN_TASK}@{since or 'never'}")


# -- training and reporting ------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingResult:
    model_id: int | None
    examples: int
    fields: dict[str, dict[str, float]]  # per trained field: examples, classes, threshold…
    skipped: dict[str, str]  # per field not trained: why


def train_triage(desk: Desk, actor: Actor) -> TrainingResult:
    """Fit one classifier per field on the desk's history and store them as the new model."""
    require_lead(actor, "train the triage model")
    understanding = _understanding(desk)
    with desk.uow() as uow:
        rows = uow.triage.training_rows()
    trained: dict[str, Classifier] = {}
    skipped: dict[str, str] = {}
    for triage_field in TriageField:
        labelled = [r for r in rows if r[str(triage_field)]]
        labels = {r[str(triage_field)] for r in labelled}
        if len(labelled) < MIN_EXAMPLES_PER_FIELD or len(labels) < 2:
            skipped[str(triage_field)] = (
                f"{len(labelled)} labelled tickets with {len(labels)} distinct values"
            )
            continue
        trained[str(triage_field)] = understanding.classifiers.train(
            [r["text"] for r in labelled], [r[str(triage_field)] for r in labelled]
        )
    if not trained:
        return TrainingResult(None, len(rows), {}, skipped)
    metrics = {name: dict(c.metrics) for name, c in trained.items()}
    with desk.uow() as uow:
        now = desk.clock.now()
        model_id = uow.triage.add_model(
            now, len(rows), metrics, {n: c.to_bytes() for n, c in trained.items()}
        )
        # Predictions from now on come from this model: the trail says who trained it, on how
        # many tickets, and what each field reached on its held-back rows.
        uow.audit.add(
            audit_event(
                "triage_model",
                "triage_model.trained",
                actor,
                now,
                subject_id=model_id,
                changes={"examples": len(rows), "fields": metrics, "skipped": skipped},
            )
        )
        uow.commit()
    return TrainingResult(model_id, len(rows), metrics, skipped)


@TASKS.task(RETRAIN_TASK, max_attempts=2)
def retrain_task(desk: Desk, payload: dict[str, Any]) -> None:
    train_triage(desk, TRIAGE)


def triage_report(desk: Desk, actor: Actor, since: datetime | None = None) -> list[FieldReport]:
    """Per field: predictions, abstentions, decisions and the share agents kept."""
    require_agent(actor, "read the triage report")
    with desk.uow() as uow:
        return report(uow.triage.all_predictions(since))
