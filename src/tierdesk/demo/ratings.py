"""Customer ratings in the demo history: about half of the solved tickets are rated by their
requester some hours after the solve (before anything else happens to the ticket), so that the
reports have satisfaction to show week by week. Decided by a random stream of its own, so
adding ratings changes no other decision of the history."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from tierdesk.demo.script import Step, TicketScript
from tierdesk.domain.people import Contact
from tierdesk.services import csat

RATED_SHARE = 0.5
SCORES = (5, 4, 3, 2, 1)
WEIGHTS = (44, 30, 12, 8, 6)
COMMENTS = {
    5: "Quick and clear, thank you.",
    4: "Solved, took a little while.",
    3: "Fixed in the end.",
    2: "Too many back-and-forths.",
    1: "Took far too long.",
}


def plan_ratings(scripts: list[TicketScript], seed: int, end: datetime) -> int:
    """Add a rating step after the first solve of some customer-opened tickets; how many."""
    rng = random.Random(seed * 7919 + 13)
    planned = 0
    for script in scripts:
        rated = rng.random() < RATED_SHARE
        score = rng.choices(SCORES, WEIGHTS)[0]
        delay = timedelta(hours=rng.randint(1, 36))
        requester = script.requester
        solved = next((i for i, s in enumerate(script.steps) if s.milestone == "solved"), None)
        if not rated or requester is None or solved is None:
            continue
        step = script.steps[solved]
        following = script.steps[solved + 1].at if solved + 1 < len(script.steps) else end
        at = step.at + min(delay, (following - step.at) / 2)
        if not step.at < at < end:
            continue
        script.steps.insert(solved + 1, Step(at, _rating(script, requester, score), None))
        planned += 1
    return planned


def _rating(script: TicketScript, requester: Contact, score: int) -> Callable[[], None]:
    def run() -> None:
        csat.rate_ticket(script.desk, requester, script.ref, score, COMMENTS[score])

    return run
