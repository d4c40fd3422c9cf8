"""A ticket's running clocks are read once per transaction (adapters/db/deadlines.py): opening a
ticket runs three clock handlers (the opening, its first message, the level routing reached)
that each read them, and enqueued its follow-up twice (issue 19). What is kept must stay true:
the clocks added and saved in the transaction are in it, the sweep's marks are not hidden by
it, and nothing kept outlives its transaction (both engines)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.factories import make_contact, make_organisation
from tests.routing.support import open_problem, routing_world
from tests.sla.support import clocks, open_ticket
from tests.writes import statements_sent
from tierdesk.adapters.db.jobs import jobs
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.people import Tier
from tierdesk.domain.sla import ClockKind


def _jobs_keyed(app: Tierdesk, pattern: str) -> int:
    with app.engine.connect() as connection:
        query = select(func.count()).select_from(jobs).where(jobs.c.key.like(pattern))
        return int(connection.execute(query).scalar_one())


def test_opening_a_routed_ticket_reads_no_clocks_and_enqueues_one_follow_up(
    app: Tierdesk,
) -> None:
    world = routing_world(app.desk)
    open_problem(app.desk, world.german)  # the process's caches filled

    with statements_sent(app.engine) as sent:
        ticket = open_problem(app.desk, world.german)

    clock_reads = [s for s in sent if s.startswith("SELECT") and "FROM ticket_deadlines" in s]
    follow_ups = [s for s in sent if s.startswith("INSERT INTO jobs")]
    assert (ticket.queue, ticket.tier) == ("l1-sbc", Tier.L1)
    assert clock_reads == []  # none: the ticket was inserted a moment before (deadlines.py)
    assert len(follow_ups) == 1, follow_ups
    # the clocks stored are the ones the handlers kept: L0's ended, L1's running, as a fresh
    # read of each shows
    found = clocks(app.desk, ticket)
    assert found["first-response"].running and found["resolution"].running
    assert not found["L0 level-handoff"].running
    assert found["L1 level-handoff"].running
    assert _jobs_keyed(app, f"follow-up:{ticket.id}:%") == 1


def test_clocks_kept_in_a_transaction_follow_its_writes_and_the_sweeps_marks(
    app: Tierdesk,
) -> None:
    contact = make_contact(app.desk, organisation=make_organisation(app.desk, plan="standard"))
    ticket = open_ticket(app.desk, contact=contact)
    assert ticket.id is not None
    with app.desk.uow() as uow:
        [first, *_] = uow.deadlines.running_for_tickets([ticket.id])[ticket.id]
        assert first.due_at is not None
        later = first.due_at + timedelta(minutes=1)
        # the sweep's conditional mark changes the row behind the copy kept
        assert uow.deadlines.mark_breached(first.id or 0, later)
        again = uow.deadlines.running_for_tickets([ticket.id])[ticket.id]
        assert next(d for d in again if d.id == first.id).breached_at == later
        # a clock read another way and saved replaces the kept one; one met leaves the list
        fresh = uow.deadlines.get(first.id or 0)
        assert fresh is not None
        fresh.pause(later)
        uow.deadlines.save(fresh)
        assert next(
            d for d in uow.deadlines.running_for_tickets([ticket.id])[ticket.id] if d.id == first.id
        ).paused
        fresh.met_at = later
        uow.deadlines.save(fresh)
        kept = uow.deadlines.running_for_tickets([ticket.id])[ticket.id]
        assert first.id not in {d.id for d in kept}
        # the caller's list is its own: changing it changes nothing kept
        kept.clear()
        assert uow.deadlines.running_for_tickets([ticket.id])[ticket.id]
        uow.rollback()
        # nothing kept outlives its transaction: the rolled-back changes are gone
        after = uow.deadlines.running_for_tickets([ticket.id])[ticket.id]
        restored = next(d for d in after if d.id == first.id)
        assert restored.breached_at is None and not restored.paused
        assert {d.kind for d in after} >= {ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION}


def test_a_job_key_enqueued_in_a_rolled_back_transaction_is_enqueued_again(
    app: Tierdesk,
) -> None:
    now = app.desk.clock.now()
    with app.desk.uow() as uow:
        assert uow.jobs.enqueue(
            "tickets.follow_up", {}, at=now, run_at=now, key="kept:1", max_attempts=3
        )
        assert (
            uow.jobs.enqueue(
                "tickets.follow_up", {}, at=now, run_at=now, key="kept:1", max_attempts=3
            )
            is None
        )
        uow.rollback()
        assert uow.jobs.enqueue(
            "tickets.follow_up", {}, at=now, run_at=now, key="kept:1", max_attempts=3
        )
        uow.commit()
    assert _jobs_keyed(app, "kept:1") == 1
