"""Bringing the search index up to what an upgrade changed: when a release changes what a
ticket's search documents hold, its migration queues ``search.reindex_tickets`` and the
workers store every ticket's documents again, a page at a time, with nobody having to run
`tierdesk index rebuild`.

Migration 0021 queues it because 0020 moved a solved ticket's internal resolution out of the
public document (which customers' suggestions search) into the internal one: until the
ticket is stored again, an old ticket's resolution could reach a customer's suggestions.
Documents whose text did not change are not embedded again (their fingerprint is the same),
so on an index that is already current the job costs one read per page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tierdesk.services.access import desk_ticket_page
from tierdesk.services.desk import Desk
from tierdesk.services.jobs import TASKS, enqueue
from tierdesk.services.search import page_documents

REINDEX_TASK = "search.reindex_tickets"
PAGE = 100


@TASKS.task(REINDEX_TASK, max_attempts=5, lease=timedelta(minutes=30))
def reindex_tickets(desk: Desk, payload: dict[str, Any]) -> None:
    """Store one page of tickets' documents and queue the next page. Each page is its own
    job, so a worker that dies loses at most a page, and the run resumes where it was."""
    if desk.search is None:
        return  # no index on this desk: nothing to bring up to date
    before = payload.get("before")
    run = str(payload.get("run", ""))
    with desk.uow() as uow:
        page = desk_ticket_page(uow, PAGE, int(before) if before else None, why="index rebuild")
        desk.search.store(uow, page_documents(uow, page))
        if len(page) == PAGE:
            last = page[-1].id
            assert last is not None
            enqueue(
                uow,
                REINDEX_TASK,
                {"run": run, "before": last},
                at=desk.clock.now(),
                key=f"{REINDEX_TASK}:{run}:{last}",  # a repeated page queues its successor once
            )
        uow.commit()
