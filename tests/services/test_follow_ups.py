"""A new ticket is stored and acknowledged in one short transaction; its slower work (enrichment,
installed-base matching, outage detection, triage, the knowledge-gap look-up, the answerer's
enqueue, indexing) follows as one job, tickets.follow_up (services/follow_ups.py), delivered at
least once."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import text

from tests.factories import make_agent, make_contact, make_organisation
from tests.follow_ups import run_follow_ups
from tests.routing.support import open_problem, routing_world
from tierdesk.adapters.clock import FixedClock
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.jobs import Job, JobStatus
from tierdesk.domain.people import Role
from tierdesk.services import routing, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.conversation import NewAttachment
from tierdesk.services.desk import Desk
from tierdesk.services.follow_ups import FOLLOW_UP_TASK
from tierdesk.services.job_runner import JobRunner, follow_up_runner
from tierdesk.services.jobs import TASKS, TaskRegistry, enqueue, list_jobs

BODY = (
    "Since the upgrade to Kestrel SBC 4.2.1 our calls fail with SIP/2.0 503 Service "
    "Unavailable, error code: E4711. The unit's serial number is SBC-0001."
)
FOLLOWED_UP_ROWS = ("ticket_facts", "enriched_messages", "triage_predictions", "search_documents")


def rows_of(app: Tierdesk, ticket_id: int | None) -> dict[str, int]:
    with app.engine.connect() as connection:
        return {
            table: connection.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE ticket_id = :t"),  # noqa: S608
                {"t": ticket_id},
            ).scalar_one()
            for table in FOLLOWED_UP_ROWS
        }


def jobs_named(desk: Desk, name: str) -> list[Job]:
    return [job for job in list_jobs(desk, SYSTEM, limit=1000) if job.name == name]


def open_with_body(desk: Desk, body: str = BODY, **more: Any) -> tickets.Ticket:
    return tickets.open_ticket(
        desk, make_contact(desk), tickets.NewTicket(subject="Calls fail", body_text=body, **more)
    )


def test_opening_a_ticket_stores_no_facts_triage_or_index_yet_and_enqueues_one_follow_up(
    app: Tierdesk, desk: Desk
) -> None:
    ticket = open_with_body(desk)

    assert rows_of(app, ticket.id) == dict.fromkeys(FOLLOWED_UP_ROWS, 0)
    [job] = jobs_named(desk, FOLLOW_UP_TASK)  # one, though the opening raised two events
    assert job.payload["ticket_id"] == ticket.id
    assert job.payload["action"] == "ticket.opened"
    assert job.status is JobStatus.QUEUED
    assert jobs_named(desk, "knowledge.gap_check") == []  # the follow-up enqueues it

    assert run_follow_ups(desk) == 1

    assert all(count > 0 for count in rows_of(app, ticket.id).values()), rows_of(app, ticket.id)
    assert len(jobs_named(desk, "knowledge.gap_check")) == 1


def test_routings_decision_is_on_the_trail_when_the_ticket_is_acknowledged(
    app: Tierdesk, desk: Desk
) -> None:
    world = routing_world(desk)

    ticket = open_problem(desk, world.german)

    assert rows_of(app, ticket.id)["ticket_facts"] == 0  # nothing followed up yet
    view = routing.routing_decisions(desk, world.lead, ticket.number or "")
    assert view.ticket.queue == "l1-sbc"
    [decision] = view.decisions
    assert "SBC on paid plans" in (decision.reason or "")


def snapshot(app: Tierdesk) -> dict[str, object]:
    """Everything a follow-up writes, desk-wide."""
    tables = (
        *FOLLOWED_UP_ROWS,
        "search_passages",
        "clarifying_questions",
        "ticket_installed_items",
        "notifications",
        "audit_events",
        "messages",
    )
    with app.engine.connect() as connection:
        state: dict[str, object] = {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in tables
        }
        state["proposals"] = [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT ticket_ids, organisation_count, window_start, window_end, status "
                    "FROM outage_proposals ORDER BY id"
                )
            )
        ]
        state["tickets"] = [
            tuple(row)
            for row in connection.execute(
                text("SELECT id, type, priority, queue, tier, status FROM tickets ORDER BY id")
            )
        ]
        state["jobs"] = [
            tuple(row)
            for row in connection.execute(
                text("SELECT name, COUNT(*) FROM jobs GROUP BY name ORDER BY name")
            )
        ]
    return state


def test_a_follow_up_delivered_twice_leaves_the_desk_as_once(app: Tierdesk, desk: Desk) -> None:
    make_agent(desk, role=Role.LEAD)  # told of the outage proposal
    acme, globex = make_organisation(desk), make_organisation(desk)
    for organisation in (acme, acme, globex):  # a burst: one outage proposal
        tickets.open_ticket(
            desk,
            make_contact(desk, organisation=organisation),
            tickets.NewTicket(subject="Registration fails", body_text=BODY),
        )
    assert run_follow_ups(desk) == 3
    once = snapshot(app)
    assert len(once["proposals"]) == 1  # type: ignore[arg-type]

    for job in jobs_named(desk, FOLLOW_UP_TASK):  # each delivered again (a lease ran out)
        TASKS.get(FOLLOW_UP_TASK).run(desk, dict(job.payload))

    assert snapshot(app) == once


def test_a_follow_up_that_fails_is_retried_and_the_ticket_stays(
    app: Tierdesk, desk: Desk, clock: FixedClock
) -> None:
    log = b"2026-03-02 08:59:00 ERROR sip.Registrar: error code: E4711\n" * 3
    ticket = open_with_body(
        desk, "The log is attached.", attachments=[NewAttachment("sbc.log", log, "text/plain")]
    )
    [message] = ticket.messages
    stored = app.settings.attachments_dir / message.attachments[0].storage_key[:2]
    stored /= message.attachments[0].storage_key
    aside = stored.with_name("aside")
    stored.rename(aside)  # the file store is away for a moment: enrichment cannot read the log

    run_follow_ups(desk)

    [job] = jobs_named(desk, FOLLOW_UP_TASK)
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)  # to be retried
    assert "no such attachment" in (job.last_error or "")
    assert tickets.get_ticket(desk, SYSTEM, ticket.id or 0).subject == "Calls fail"
    assert rows_of(app, ticket.id)["ticket_facts"] == 0  # the failed step stored nothing

    aside.rename(stored)
    clock.advance(job.run_at - clock.now())
    run_follow_ups(desk)

    [job] = jobs_named(desk, FOLLOW_UP_TASK)
    assert job.status is JobStatus.DONE
    assert rows_of(app, ticket.id)["ticket_facts"] > 0


def test_a_commit_that_enqueues_a_job_wakes_this_processs_runner(desk: Desk) -> None:
    runner = JobRunner(desk, poll_seconds=600, name="woken")
    runner.start()
    try:
        give_up = time.monotonic() + 60
        while not any(job.status is JobStatus.DONE for job in list_jobs(desk, SYSTEM)):
            assert time.monotonic() < give_up, "the runner never ran its first round"
            time.sleep(0.05)  # its first round (the periodic jobs) is done: it waits now
        time.sleep(0.2)

        open_with_body(desk)

        give_up = time.monotonic() + 60  # far below the runner's poll of ten minutes
        while jobs_named(desk, FOLLOW_UP_TASK)[0].status is not JobStatus.DONE:
            assert time.monotonic() < give_up, "the follow-up waited for the runner's poll"
            time.sleep(0.05)
    finally:
        assert runner.stop()


def test_a_long_job_does_not_hold_back_a_new_tickets_follow_up(desk: Desk) -> None:
    tasks = TaskRegistry(tasks={FOLLOW_UP_TASK: TASKS.get(FOLLOW_UP_TASK)})
    started, release = threading.Event(), threading.Event()

    @tasks.task("test.long")
    def long_job(_desk: Desk, _payload: dict[str, Any]) -> None:  # a model's training, say
        started.set()
        release.wait(120)

    with desk.uow() as uow:
        enqueue(uow, "test.long", {}, at=desk.clock.now(), registry=tasks)
        uow.commit()
    general = JobRunner(desk, registry=tasks, poll_seconds=600, name="general")
    follow_ups = follow_up_runner(desk, name="follow-ups", registry=tasks)
    general.start()
    follow_ups.start()
    try:
        assert started.wait(60), "the general runner never took the long job"

        open_with_body(desk)

        give_up = time.monotonic() + 60
        while jobs_named(desk, FOLLOW_UP_TASK)[0].status is not JobStatus.DONE:
            assert time.monotonic() < give_up, "the follow-up waited for the long job"
            time.sleep(0.05)
        assert not release.is_set()  # the long job is still running
    finally:
        release.set()
        assert follow_ups.stop() and general.stop()
