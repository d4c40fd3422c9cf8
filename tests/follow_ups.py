"""The one helper for tests that read what a new ticket's or message's follow-up stores (facts,
triage, index hits, outage proposals, installed-base links): the follow-up is a job after the
commit (services/follow_ups.py), so run it, as the desk's runner would a moment later."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tierdesk.services.desk import Desk
from tierdesk.services.follow_ups import FOLLOW_UP_TASK
from tierdesk.services.jobs import TASKS, TaskRegistry, run_next_job


def run_follow_ups(where: Desk | TestClient) -> int:
    """Run every due follow-up job of the desk (or of the desk a test client serves); only
    those: mail, webhooks and the answerer stay queued for the tests that run them. How many
    ran."""
    desk = where if isinstance(where, Desk) else where.app.state.desk  # type: ignore[attr-defined]
    only_follow_ups = TaskRegistry(tasks={FOLLOW_UP_TASK: TASKS.get(FOLLOW_UP_TASK)})
    ran = 0
    while run_next_job(desk, "test", only_follow_ups) is not None:
        ran += 1
    return ran
