"""Time spent in the demo (issue 21): the engineers who worked the most recently updated
tickets logged a little time on them over the last days, mostly billable, so the ticket
panels and the time report per organisation and contract are not empty."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from tierdesk.domain.people import Agent
from tierdesk.ports import TicketFilter
from tierdesk.services import tickets, time_entries
from tierdesk.services.desk import Desk

TICKETS = 12  # of the latest tickets, this many get time logged
NOTES = (
    "Read the customer's logs and traces",
    "Reproduced in the lab",
    "Call with the customer's engineer",
    "Checked the configuration export",
    "",
)


def log_demo_time(desk: Desk, lead: Agent, agents: list[Agent], end: datetime, seed: int) -> int:
    """Log time on the latest tickets as their assignees (or someone at their level);
    answers how many entries were logged."""
    rng = random.Random(seed)
    page = tickets.list_tickets(desk, lead, TicketFilter(), TICKETS, thread=False)
    logged = 0
    for ticket in page.tickets:
        workers = [a for a in agents if a.id == ticket.assignee_id] or [
            a for a in agents if int(ticket.tier) in a.tiers
        ]
        if not workers or ticket.id is None:
            continue
        for _ in range(rng.randint(1, 3)):
            latest = min(end, desk.clock.now())  # never a day the desk would call future
            day: date = (latest - timedelta(days=rng.randint(0, 6))).date()
            entry = time_entries.LoggedTime(
                rng.choice((15, 20, 30, 45, 60, 90, 120)),
                day,
                rng.choice(NOTES),
                billable=rng.random() < 0.8,
            )
            time_entries.log_time(desk, rng.choice(workers), ticket.id, entry)
            logged += 1
    return logged
