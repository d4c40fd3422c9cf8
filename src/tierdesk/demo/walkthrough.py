"""The ticket the README's walk-through starts from, in every build whatever its date.

The rest of the history is drawn at random, so which tickets are still open depends on the seed
and on the day the demo is built. The walk-through needs one it can name: Northwind Freight's
question how to factory reset a KP-200, asked the last weekday before the end of the history,
answered at intake, escalated to L1 and accepted there by Tom Fletcher, who takes it on from
there (reply, note, escalate to L2)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from tierdesk.demo.content import Scenario
from tierdesk.demo.record_steps import ToldTicket
from tierdesk.demo.script import TicketScript
from tierdesk.demo.world import World
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.tickets import Status
from tierdesk.errors import ConfigurationError

WALKTHROUGH_SCENARIO = "phone-howto-factory-reset"
WALKTHROUGH_CONTACT = "oliver.bennett@northwind-freight.example"
WALKTHROUGH_AGENT = "tom.fletcher@kestrel.example"
WALKTHROUGH_TICKETS = 1  # tickets this module adds to a build
# The story below takes at most about 14 hours (intake may take 12 to pick up a P4 question).
_ROOM = timedelta(hours=24)
_MORNING = time(8, 30, tzinfo=UTC)


def plan_walkthrough(world: World, scenarios: list[Scenario]) -> TicketScript:
    scenario = next((s for s in scenarios if s.key == WALKTHROUGH_SCENARIO), None)
    if scenario is None:
        raise ConfigurationError(f"demo content: no scenario {WALKTHROUGH_SCENARIO!r}")
    customer, contact = next(
        (customer, contact)
        for customer in world.customers
        for contact in customer.contacts
        if contact.email == WALKTHROUGH_CONTACT
    )
    tom = next(a for a in world.roster.agents if a.email == WALKTHROUGH_AGENT)
    told = ToldTicket.open(
        world, scenario, last_weekday_morning(world.end - _ROOM), 1, customer, contact
    )
    intake = told.intake or told.pick(0)
    told.later(12)
    told.script.write(intake, MessageKind.PUBLIC_REPLY, told.fill(told.text.agent_question, intake))
    told.later(1)
    told.script.set_status(intake, Status.PENDING_CUSTOMER, "asked the customer for details")
    told.later(95)
    told.script.write(contact, MessageKind.CUSTOMER, told.fill(told.text.customer_followup, intake))
    told.later(35)
    told.script.escalate(
        intake,
        1,
        f"Intake complete: needs an L1 {scenario.product} engineer",
        told.handoff_note(intake),
    )
    told.later(50)
    told.script.accept(tom, milestone="at-L1")
    return told.script


def last_weekday_morning(before: datetime) -> datetime:
    """08:30 UTC of the latest Monday to Friday whose morning is not after ``before``."""
    day = before.astimezone(UTC).date()
    while (
        day.weekday() >= 5 or datetime.combine(day, _MORNING) > before
    ):  # Saturday, Sunday or too late
        day -= timedelta(days=1)
    return datetime.combine(day, _MORNING)
