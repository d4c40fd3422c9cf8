"""Triage: predict a new ticket's queue, product, component, type, priority and level; abstain
when unsure (the ticket stays with a person at L0); learn from every agent's decision.

- With a trained model each field has its own classifier (assist/triage.py) fitted on this
  desk's solved tickets. With none, cold start (services/triage_cold_start.py): keyword rules
  for type and priority, and similarity to the descriptions of the desk's products, components
  and intake queues.
- Training happens without anyone remembering it: a periodic check (and, at once, enough
  corrections or ``schedule_training`` after a history import) trains a new model when enough
  tickets were solved or decided since the last one; ``tierdesk triage train`` trains now.
  A new model also predicts the open tickets, so their suggestions come from it.
- Every prediction is stored with its confidence, and whether an agent accepted or corrected
  it, so ``triage_report`` always knows the model's accuracy on this desk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tierdesk.domain.audit import AuditEvent, audit_event
from tierdesk.domain.facts import describe
from tierdesk.domain.people import Actor, SystemActor, Tier
from tierdesk.domain.tickets import Priority, Ticket, TicketType
from tierdesk.domain.triage import (
    FieldReport,
    LabelGuess,
    TriageField,
    TriagePrediction,
    correction_choices,
    report,
    triage_text,
)
from tierdesk.errors import ConfigurationError, InvalidInputError, NotFoundError
from tierdesk.ports import UnitOfWork
from tierdesk.ports.understanding import Classifier, Understanding, UnderstandingConfig
from tierdesk.services import reference_data
from tierdesk.services.access import access_ticket, require_agent, require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS, enqueue
from tierdesk.services.routing import place_in_queue
from tierdesk.services.triage_cold_start import COLD_START_FIELDS, cold_start

logger = logging.getLogger(__name__)

TRIAGE = SystemActor(name="triage")
RETRAIN_TASK = "triage.train"
CHECK_TASK = "triage.check"
MIN_EXAMPLES_PER_FIELD = 10  # fewer labelled tickets than this: that field stays cold
# A new model predicts at most this many open tickets (the newest): a desk's backlog, not an
# archive's worth of embedding.
REFRESHED_TICKETS = 1000


def _understanding(desk: Desk) -> Understanding:
    if desk.understanding is None:
        raise ConfigurationError("this desk runs without the understanding engines")
    return desk.understanding


def ticket_text(ticket: Ticket) -> str:
    """Subject and first customer message: what a model sees, at intake as in training."""
    first = next((m.body_text for m in ticket.messages if m.kind == "customer"), "")
    return triage_text(ticket.subject, first)


# -- predicting at intake --------------------------------------------------------------------


def triage_new_ticket(uow: UnitOfWork, desk: Desk, ticket: Ticket, event: AuditEvent) -> None:
    """A step of a new ticket's follow-up (services/handlers.py::FOLLOW_UPS). Once per ticket:
    a follow-up run again (delivery is at least once) finds its predictions and leaves them,
    and what they applied, as they are."""
    if desk.understanding is None or ticket.id is None:
        return
    if uow.triage.predictions(ticket.id):
        return
    automatic: dict[TriageField, float] = {}
    predictions = predict(uow, desk, ticket, automatic)
    for prediction in predictions:
        uow.triage.add_prediction(prediction)
    if desk.understanding.config.apply_triage:
        # A model's suggestion is shown from the field's own threshold (its best held-back
        # macro-F1); the field changes without a person only at the strict one (98 % held-back
        # precision). Cold-start guesses keep their own, already cautious, abstention.
        sure = [
            p
            for p in predictions
            if not p.abstained and p.confidence >= automatic.get(p.field, 0.0)
        ]
        _apply(uow, desk, ticket, sure, TRIAGE)


def load_latest_model(desk: Desk) -> int:
    """Load the latest model's classifiers into this process; how many fields it has. For a
    process that runs jobs, at its start: the first new ticket's triage would otherwise read
    them and import scikit-learn (1–3 s), and its follow-up would make it searchable late."""
    if desk.understanding is None:
        return 0
    with desk.uow() as uow:
        model_id = uow.triage.latest_model_id()
        if model_id is None:
            return 0
        names = uow.triage.model_fields(model_id)
        for name in names:
            _classifier(uow, desk.understanding, model_id, name)
    return len(names)


def _classifier(
    uow: UnitOfWork, understanding: Understanding, model_id: int, name: str
) -> Classifier:
    """The model's classifier for one field, read from storage only the first time."""
    return understanding.classifiers.load(
        f"{model_id}:{name}", lambda: uow.triage.model_data(model_id, name)
    )


def predict(
    uow: UnitOfWork,
    desk: Desk,
    ticket: Ticket,
    automatic: dict[TriageField, float] | None = None,
) -> list[TriagePrediction]:
    """The latest model's guess per field (cold start for the fields it lacks). ``automatic``
    receives, per field of the model, the confidence from which it may be applied unseen."""
    understanding = _understanding(desk)
    assert ticket.id is not None
    text = ticket_text(ticket)
    now = desk.clock.now()
    model_id = uow.triage.latest_model_id()
    guesses: dict[TriageField, tuple[LabelGuess, str, int | None]] = {}
    if model_id is not None:
        for name in uow.triage.model_fields(model_id):
            classifier = _classifier(uow, understanding, model_id, name)
            guesses[TriageField(name)] = (classifier.predict([text])[0], "model", model_id)
            if automatic is not None:
                # models stored before the strict threshold was kept used it as their own
                strict = classifier.metrics.get("strict_threshold", classifier.threshold)
                automatic[TriageField(name)] = float(strict)
    if not set(guesses) >= COLD_START_FIELDS:
        facts = describe(uow.facts.for_ticket(ticket.id, include_internal=False))
        for triage_field, guess in cold_start(uow, understanding, text, facts).items():
            guesses.setdefault(triage_field, (guess, "cold-start", None))
    return [
        _stored(ticket.id, triage_field, guess, source, now, model_id)
        for triage_field, (guess, source, model_id) in guesses.items()
    ]


def _stored(
    ticket_id: int,
    triage_field: TriageField,
    guess: LabelGuess,
    source: str,
    now: datetime,
    model_id: int | None,
) -> TriagePrediction:
    return TriagePrediction(
        ticket_id,
        triage_field,
        guess.best,
        round(guess.confidence, 4),
        guess.label is None,
        source,
        now,
        model_id,
        [[label, round(score, 4)] for label, score in guess.alternatives],
    )


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
    if queue_prediction is None or ticket.tier is not Tier.L0:
        return
    if queue_prediction.decided_by is not None and by is not TRIAGE:
        # An agent's decision moves the ticket out of intake like any hand routing (an intake
        # rule having put it in an L0 queue first changes nothing).
        value = queue_prediction.final_value or queue_prediction.best
        place_in_queue(uow, ticket, value, f"triage: {by.name} chose {value}", by, now)
    elif ticket.queue is None:
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
        products = reference_data.products(desk.reference, uow)
        queues = reference_data.queues(desk.reference, uow)
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
            triage_field,
            reference_data.products(desk.reference, uow),
            reference_data.queues(desk.reference, uow),
            ticket.product_id,
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


def _maybe_retrain(uow: UnitOfWork, desk: Desk, now: datetime) -> bool:
    """Enqueue a training job when the desk has enough new examples (one job per model)."""
    config = _understanding(desk).config
    if not training_due(uow, config):
        return False
    since = uow.triage.latest_model_trained_at()
    key = f"{RETRAIN_TASK}@{since.isoformat() if since else 'never'}"
    return enqueue(uow, RETRAIN_TASK, {}, at=now, key=key) is not None


def training_due(uow: UnitOfWork, config: UnderstandingConfig) -> bool:
    """Whether the latest model (if any) is behind the desk: at least
    ``retrain_after_tickets`` tickets solved or suggestions decided since it was trained, or
    ``retrain_after_corrections`` corrections (0 turns either rule off)."""
    since = uow.triage.latest_model_trained_at()
    tickets, corrections = config.retrain_after_tickets, config.retrain_after_corrections
    if tickets > 0 and uow.triage.examples_since(since) >= tickets:
        return True
    return corrections > 0 and uow.triage.corrections_since(since) >= corrections


def schedule_training(desk: Desk) -> bool:
    """Train soon if the desk has enough new examples: the one call for whatever brings in
    many solved tickets at once (the history import). True when a training job was queued."""
    if desk.understanding is None:
        return False
    with desk.uow() as uow:
        queued = _maybe_retrain(uow, desk, desk.clock.now())
        uow.commit()
    return queued


# -- training and reporting ------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingResult:
    model_id: int | None
    examples: int
    fields: dict[str, dict[str, float]]  # per trained field: examples, classes, threshold…
    skipped: dict[str, str]  # per field not trained: why
    refreshed: int = 0  # open tickets the new model predicted


def train_triage(desk: Desk, actor: Actor) -> TrainingResult:
    """Fit one classifier per field on the desk's history, store them as the new model, and
    let it predict the open tickets (their suggestions then come from the model)."""
    require_lead(actor, "train the triage model")
    understanding = _understanding(desk)
    with desk.uow() as uow:
        rows = uow.triage.training_rows()
    wanted: dict[str, list[str]] = {}
    skipped: dict[str, str] = {}
    for triage_field in TriageField:
        labels = [str(r[str(triage_field)]) for r in rows]
        labelled = [label for label in labels if label]
        if len(labelled) < MIN_EXAMPLES_PER_FIELD or len(set(labelled)) < 2:
            skipped[str(triage_field)] = (
                f"{len(labelled)} labelled tickets with {len(set(labelled))} distinct values"
            )
            continue
        wanted[str(triage_field)] = labels
    if not wanted:
        return TrainingResult(None, len(rows), {}, skipped)
    trained: dict[str, Classifier] = dict(
        understanding.classifiers.train_fields([r["text"] for r in rows], wanted)
    )
    metrics = {name: dict(c.metrics) for name, c in trained.items()}
    with desk.uow() as uow:
        # the open tickets' guesses before the first write: on SQLite the transaction holds
        # the one writer from there on, and predicting a few hundred tickets takes seconds
        refreshed, guesses = _open_ticket_guesses(uow, trained)
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
        for ticket_id, name, guess in guesses:
            uow.triage.add_prediction(
                _stored(ticket_id, TriageField(name), guess, "model", now, model_id)
            )
        uow.commit()
    return TrainingResult(model_id, len(rows), metrics, skipped, refreshed)


def _open_ticket_guesses(
    uow: UnitOfWork, trained: dict[str, Classifier]
) -> tuple[int, list[tuple[int, str, LabelGuess]]]:
    """The new model's suggestions for the open tickets, for every field not yet decided, and
    how many open tickets it was asked about."""
    waiting = uow.triage.open_tickets(REFRESHED_TICKETS)
    if not waiting:
        return 0, []
    texts = [text for _, text, _ in waiting]
    guesses = []
    for name, classifier in trained.items():
        for (ticket_id, _, decided), guess in zip(waiting, classifier.predict(texts), strict=True):
            if name not in decided:
                guesses.append((ticket_id, name, guess))
    return len(waiting), guesses


def train_when_due(desk: Desk) -> TrainingResult | None:
    """Train a new model if the desk has moved on enough since the last one (None: not due)."""
    if desk.understanding is None:
        return None
    with desk.uow() as uow:
        due = training_due(uow, desk.understanding.config)
    if not due:
        return None
    result = train_triage(desk, TRIAGE)
    logger.info("triage model %s trained on %s tickets", result.model_id, result.examples)
    return result


# Training a large desk takes minutes on a busy machine: the lease outlasts it.
@TASKS.task(RETRAIN_TASK, max_attempts=2, lease=timedelta(minutes=30))
def retrain_task(desk: Desk, payload: dict[str, Any]) -> None:
    train_when_due(desk)  # someone may have trained since the job was queued


@TASKS.every(timedelta(minutes=15), name=CHECK_TASK, lease=timedelta(minutes=30))
def check_training(desk: Desk, payload: dict[str, Any]) -> None:
    train_when_due(desk)


def triage_report(desk: Desk, actor: Actor, since: datetime | None = None) -> list[FieldReport]:
    """Per field: predictions, abstentions, decisions and the share agents kept."""
    require_agent(actor, "read the triage report")
    with desk.uow() as uow:
        return report(uow.triage.all_predictions(since))
