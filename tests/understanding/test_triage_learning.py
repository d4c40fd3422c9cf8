"""What triage learns from a desk's history and when: the queue intake chose, a measured
threshold per field, a model trained without anyone asking, and open tickets predicted by it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.factories import make_contact, make_organisation
from tests.follow_ups import run_follow_ups
from tests.routing.support import make_member, open_problem, routing_world
from tests.understanding.test_decision_audit import audit_rows
from tests.writes import Writes, watching_writes
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk, bootstrap
from tierdesk.config import Settings, UnderstandingSettings
from tierdesk.domain.handoff import PacketContent, TriedStep
from tierdesk.domain.people import Contact, Tier
from tierdesk.domain.tickets import Priority, TicketType
from tierdesk.services import escalation, queues, tickets, triage
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import list_jobs, run_pending_jobs, schedule_periodic_jobs

VOICE = ["calls drop after a minute", "no audio on calls", "echo on every call", "one-way audio"]
LICENCE = ["the licence expired", "we need more seats", "activation key rejected", "renewal"]


def solved(desk: Desk, contact: Contact, count: int, *, start: int = 0) -> None:
    """``count`` solved tickets: voice problems and licensing questions, alternating, with a
    priority that has nothing to do with the text."""
    for index in range(start, start + count):
        kind, phrases = (
            (TicketType.PROBLEM, VOICE) if index % 2 else (TicketType.LICENSING, LICENCE)
        )
        ticket = tickets.open_ticket(
            desk,
            contact,
            tickets.NewTicket(
                subject=phrases[index % 4],
                body_text=f"Hello, {phrases[(index + 1) % 4]} since ticket {index}.",
                type=kind,
                priority=(Priority.P2, Priority.P3, Priority.P4)[(index * 7 // 3) % 3],
            ),
        )
        tickets.solve_ticket(desk, SYSTEM, ticket.id or 0, "fixed")


@pytest.fixture
def contact(desk: Desk) -> Contact:
    return make_contact(desk, organisation=make_organisation(desk))


def test_triage_learns_the_queue_intake_chose_not_where_escalation_took_the_ticket(
    desk: Desk,
) -> None:
    world = routing_world(desk)
    make_member(desk, "Uwe", queue="l2-sbc", tiers=[2], languages=["de"])
    ticket = open_problem(desk, world.german)
    packet = PacketContent(
        symptoms="One-way audio",
        environment="SBC 7.2",
        steps_tried=[TriedStep("Restarted the relay", "no change")],
        hypotheses=["NAT"],
    )
    escalation.escalate_ticket(desk, world.anna, ticket.number or "", Tier.L2, "NAT", packet)
    tickets.solve_ticket(desk, SYSTEM, ticket.id or 0, "fixed")

    with desk.uow() as uow:
        [row] = uow.triage.training_rows()
    assert tickets.get_ticket(desk, SYSTEM, ticket.id or 0).queue == "l2-sbc"
    assert row["queue"] == "l1-sbc"
    assert row["level"] == "L2"
    assert row["text"].startswith(f"{ticket.subject}\n")


def test_cold_start_sends_a_recognised_products_ticket_to_its_intake_queue(desk: Desk) -> None:
    world = routing_world(desk)  # l1-sbc and l2-sbc differ only in their level
    ticket = tickets.open_ticket(
        desk,
        world.english,
        tickets.NewTicket(
            subject="Kestrel SBC drops calls",
            body_text="Our Kestrel SBC drops SIP calls.",
            type=TicketType.PROBLEM,
        ),
    )
    run_follow_ups(desk)

    suggestions = triage.triage_suggestions(desk, SYSTEM, ticket.id or 0)
    by_field = {str(s.field): s for s in suggestions}
    assert by_field["product"].suggested == "kestrel-sbc"
    assert by_field["queue"].suggested == "l1-sbc"


def test_accepting_a_queue_suggestion_moves_the_ticket_out_of_intake(desk: Desk) -> None:
    world = routing_world(desk)
    queues.create_queue(desk, SYSTEM, queues.NewQueue("intake-en", "Intake", Tier.L0, None))
    queues.create_routing_rule(
        desk,
        SYSTEM,
        queues.NewRoutingRule(
            name="English to intake", queue="intake-en", conditions={"languages": ["en"]}
        ),
    )
    ticket = tickets.open_ticket(
        desk,
        world.english,
        tickets.NewTicket(
            subject="Kestrel SBC drops calls",
            body_text="Our Kestrel SBC drops SIP calls.",
            type=TicketType.PROBLEM,
        ),
    )
    assert tickets.get_ticket(desk, SYSTEM, ticket.id or 0).queue == "intake-en"
    run_follow_ups(desk)

    triage.decide_suggestion(desk, world.lead, ticket.number or "", "queue", "l1-sbc")

    moved = tickets.get_ticket(desk, SYSTEM, ticket.id or 0)
    assert (moved.queue, moved.tier) == ("l1-sbc", Tier.L1)


def test_each_field_answers_by_its_own_threshold_measured_on_a_small_desk(
    desk: Desk, contact: Contact
) -> None:
    solved(desk, contact, 60)

    result = triage.train_triage(desk, SYSTEM)

    assert result.model_id is not None
    thresholds = {name: m["threshold"] for name, m in result.fields.items()}
    assert thresholds["type"] <= 1.0  # the text tells the type: answered
    assert thresholds["priority"] > 1.0  # it does not tell the priority: never answered
    ticket = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="no audio on calls", body_text="echo too.")
    )
    run_follow_ups(desk)
    by_field = {str(s.field): s for s in triage.triage_suggestions(desk, SYSTEM, ticket.id or 0)}
    assert by_field["type"].source == "model"
    assert by_field["type"].suggested == "problem"
    assert by_field["priority"].abstained
    for name, threshold in thresholds.items():
        assert by_field[name].abstained == (by_field[name].confidence < round(threshold, 4))


@pytest.fixture
def learning(settings: Settings, clock: FixedClock, app: Tierdesk) -> Iterator[Tierdesk]:
    """A desk (the same database as ``app``) that trains after 20 solved tickets."""
    chosen = UnderstandingSettings(retrain_after_tickets=20, retrain_after_corrections=0)
    learning_app = bootstrap(settings.model_copy(update={"understanding": chosen}), clock=clock)
    yield learning_app
    learning_app.close()


def run_periodic_jobs(desk: Desk) -> None:
    schedule_periodic_jobs(desk)
    run_pending_jobs(desk, "test-worker")


def test_enough_solved_tickets_train_a_model_without_anyone_asking(
    learning: Tierdesk, clock: FixedClock, contact: Contact
) -> None:
    desk = learning.desk
    solved(desk, contact, 19)
    run_periodic_jobs(desk)
    with desk.uow() as uow:
        assert uow.triage.latest_model_id() is None  # 19 are not enough

    solved(desk, contact, 1, start=19)
    waiting = tickets.open_ticket(
        desk, contact, tickets.NewTicket(subject="no audio on calls", body_text="echo too.")
    )
    clock.advance(timedelta(minutes=15))
    run_periodic_jobs(desk)

    with desk.uow() as uow:
        first = uow.triage.latest_model_id()
    assert first is not None
    [trained] = audit_rows(learning, "triage_model.trained")
    assert trained.actor_name == "triage"
    by_field = {str(s.field): s for s in triage.triage_suggestions(desk, SYSTEM, waiting.id or 0)}
    assert by_field["type"].source == "model"  # the open ticket was predicted again

    solved(desk, contact, 5, start=20)
    clock.advance(timedelta(minutes=15))
    run_periodic_jobs(desk)
    with desk.uow() as uow:
        assert uow.triage.latest_model_id() == first  # five new ones are not enough


def test_an_import_needs_one_call_to_have_its_history_learnt(
    learning: Tierdesk, contact: Contact
) -> None:
    desk = learning.desk
    assert not triage.schedule_training(desk)  # nothing to learn yet

    solved(desk, contact, 24)
    assert triage.schedule_training(desk)
    assert not triage.schedule_training(desk)  # one job is waiting already
    run_pending_jobs(desk, "test-worker")

    [job] = [j for j in list_jobs(desk, SYSTEM) if j.name == triage.RETRAIN_TASK]
    assert str(job.status) == "done"
    with desk.uow() as uow:
        assert uow.triage.latest_model_id() is not None


@pytest.fixture
def applying(settings: Settings, clock: FixedClock, app: Tierdesk) -> Iterator[Tierdesk]:
    """A desk (the same database as ``app``) that applies confident triage itself."""
    chosen = UnderstandingSettings(apply_triage=True)
    applying_app = bootstrap(settings.model_copy(update={"understanding": chosen}), clock=clock)
    yield applying_app
    applying_app.close()


def _model_with_strict_type_threshold(desk: Desk, strict: float) -> None:
    """The latest model stored again, its type field claiming ``strict`` as the confidence
    from which it may be applied unseen (what training measures on held-back rows)."""
    understanding = desk.understanding
    assert understanding is not None
    with desk.uow() as uow:
        model_id = uow.triage.latest_model_id()
        assert model_id is not None
        loaded = {
            name: understanding.classifiers.load(
                f"copy:{name}", lambda name=name: uow.triage.model_data(model_id, name)
            )
            for name in uow.triage.model_fields(model_id)
        }
        loaded["type"].metrics["strict_threshold"] = strict
        uow.triage.add_model(
            desk.clock.now(),
            60,
            {name: dict(c.metrics) for name, c in loaded.items()},
            {name: c.to_bytes() for name, c in loaded.items()},
        )
        uow.commit()


@pytest.mark.parametrize(("strict", "applied"), [(2.0, False), (0.0, True)])
def test_a_field_is_set_without_a_person_only_from_its_strict_threshold(
    applying: Tierdesk, contact: Contact, strict: float, applied: bool
) -> None:
    desk = applying.desk
    solved(desk, contact, 60)
    triage.train_triage(desk, SYSTEM)
    _model_with_strict_type_threshold(desk, strict)

    ticket = tickets.open_ticket(
        desk,
        contact,
        tickets.NewTicket(
            subject="no audio on calls", body_text="echo too.", type=TicketType.QUESTION
        ),
    )
    run_follow_ups(desk)

    by_field = {str(s.field): s for s in triage.triage_suggestions(desk, SYSTEM, ticket.id or 0)}
    assert by_field["type"].suggested == "problem"
    assert not by_field["type"].abstained  # suggested to the agent either way
    stored = tickets.get_ticket(desk, SYSTEM, ticket.id or 0)
    assert (stored.type is TicketType.PROBLEM) is applied


def test_a_process_that_runs_jobs_loads_the_latest_model_when_warming_up(
    desk: Desk, contact: Contact, settings: Settings, clock: FixedClock
) -> None:
    """A new process (a restarted worker) loads the model before the first new ticket, whose
    follow-up then reads no model from the database (and imports nothing on the way)."""
    solved(desk, contact, 40)
    model_id = triage.train_triage(desk, SYSTEM).model_id
    assert model_id is not None
    restarted = bootstrap(settings, clock=clock)
    try:
        model_reads: list[str] = []

        def count(_c: object, _cur: object, statement: str, *_rest: object) -> None:
            if "triage_model_fields.data" in statement:
                model_reads.append(statement)

        event.listen(restarted.engine, "before_cursor_execute", count)
        restarted.warm_up(jobs=True)
        warmed = len(model_reads)
        ticket = tickets.open_ticket(
            restarted.desk, contact, tickets.NewTicket(subject="echo on every call", body_text="")
        )
        run_follow_ups(restarted.desk)

        with restarted.desk.uow() as uow:
            assert warmed == len(uow.triage.model_fields(model_id)) > 0
        assert len(model_reads) == warmed  # the follow-up read none
        suggestions = triage.triage_suggestions(restarted.desk, SYSTEM, ticket.id or 0)
        assert "model" in {s.source for s in suggestions}
    finally:
        restarted.close()


def test_a_model_that_cannot_be_read_does_not_keep_a_worker_from_starting(
    desk: Desk, contact: Contact, settings: Settings, clock: FixedClock, app: Tierdesk
) -> None:
    solved(desk, contact, 40)
    assert triage.train_triage(desk, SYSTEM).model_id is not None
    with app.engine.begin() as connection:
        connection.execute(text("UPDATE triage_model_fields SET data = :junk"), {"junk": b"\0"})
    restarted = bootstrap(settings, clock=clock)
    try:
        restarted.warm_up(jobs=True)  # logged, not raised
    finally:
        restarted.close()


class _Watching:
    """The desk's classifier factory, noting whether a trained classifier predicted while a
    transaction of the engine had written (a spy: everything is delegated)."""

    def __init__(self, inner: Any, writes: Writes) -> None:
        self._inner, self._writes = inner, writes
        self.predicted_while_writing = 0
        self.predicted = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def train_fields(self, texts: Any, labels: Any) -> dict[str, Any]:
        owner = self

        class Watched:
            def __init__(self, classifier: Any) -> None:
                self._c = classifier
                self.metrics, self.threshold = classifier.metrics, classifier.threshold

            def predict(self, batch: Any) -> Any:
                owner.predicted += 1
                owner.predicted_while_writing += owner._writes.in_progress
                return self._c.predict(batch)

            def to_bytes(self) -> bytes:
                return bytes(self._c.to_bytes())

        return {n: Watched(c) for n, c in self._inner.train_fields(texts, labels).items()}


def test_training_predicts_the_open_tickets_before_its_transaction_writes(
    desk: Desk, contact: Contact, app: Tierdesk
) -> None:
    """On SQLite a transaction holds the one writer from its first write: storing the model
    first and then predicting up to a thousand open tickets held it for seconds."""
    solved(desk, contact, 40)
    for n in range(3):
        tickets.open_ticket(
            desk, contact, tickets.NewTicket(subject=VOICE[n], body_text="still open")
        )
    assert desk.understanding is not None
    with watching_writes(app.engine) as writes:
        watching = _Watching(desk.understanding.classifiers, writes)
        watched = replace(desk, understanding=replace(desk.understanding, classifiers=watching))
        result = triage.train_triage(watched, SYSTEM)

    assert result.refreshed == 3
    assert watching.predicted > 0 and watching.predicted_while_writing == 0
