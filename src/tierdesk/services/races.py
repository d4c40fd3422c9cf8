"""Work run again when another transaction changed the same ticket between its read and its
write. A ticket carries a revision (``adapters/db/unit_of_work.py``), so two people who change
it at the same moment do not both win over a state neither saw: the later one is told
(``ChangedMeanwhileError``, 409). That is right for a decision made on what the person saw
(solving, accepting a hand-off, setting a priority) and wrong for adding to a ticket: a reply,
a note or a customer's message means the same whatever the ticket's state became, and four
agents replying at once must all be stored. Such work is run again on what is stored now."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from tierdesk.errors import ChangedMeanwhileError

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# A few tries: each one loses only to a transaction that committed meanwhile, so losing many
# times in a row means a storm on one ticket (then the person is told, as before).
ATTEMPTS = 5


def again_on_race(work: Callable[P, R]) -> Callable[P, R]:
    """``work`` opens its own unit(s) of work and commits nothing when it fails, so running it
    again stores it once. A short random pause first: the winner's commit is then visible, and
    two losers do not collide again in step."""

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, ATTEMPTS):
            try:
                return work(*args, **kwargs)
            except ChangedMeanwhileError as exc:
                log.info("%s met a change made meanwhile (try %d): %s", work.__name__, attempt, exc)
                time.sleep(random.uniform(0.0, 0.01 * attempt))  # noqa: S311 - jitter, not secrecy
        return work(*args, **kwargs)

    return run
