"""The demo's follow-the-sun: an EMEA region (the engineers writing German, French or Italian,
Europe/Berlin) handing over to an Americas region (the others, America/New_York), and one EMEA
engineer's shift already handed over, waiting for the Americas to accept it."""

from __future__ import annotations

from tierdesk.domain.people import Agent, Role
from tierdesk.ports import TicketFilter
from tierdesk.services import handovers, regions, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk
from tierdesk.services.work_queue import ACTIVE_STATUSES

EUROPEAN = {"de", "fr", "it"}
HOURS = "mon-fri 08:00-17:00"


def hand_over_demo_shift(desk: Desk, agents: list[Agent]) -> int:
    """Set up the two regions and hand one EMEA engineer's open tickets to the Americas; how
    many tickets wait there."""
    engineers = [a for a in agents if a.role is Role.AGENT and a.id is not None]
    emea = [a for a in engineers if EUROPEAN & set(a.languages)]
    americas = [a for a in engineers if a not in emea]
    regions.create_region(
        desk,
        SYSTEM,
        regions.RegionFields(
            "Americas", "America/New_York", HOURS, None, [a.id for a in americas if a.id]
        ),
    )
    regions.create_region(
        desk,
        SYSTEM,
        regions.RegionFields(
            "EMEA", "Europe/Berlin", HOURS, "Americas", [a.id for a in emea if a.id]
        ),
    )

    def open_count(agent: Agent) -> int:
        mine = TicketFilter(status=ACTIVE_STATUSES, assignee_id=agent.id, tier=[1, 2])
        return tickets.list_tickets(desk, SYSTEM, mine, 1).total

    # The engineer with the fewest open level-1/2 tickets (at least one): a short, readable
    # list for the Americas, whose L1 and L2 engineers may open them.
    counted = sorted((n, a.name, a) for a in emea if a.tiers != [0] and (n := open_count(a)))
    if not counted:
        return 0
    return handovers.hand_over_now(desk, SYSTEM, counted[0][2].id).handed_over
