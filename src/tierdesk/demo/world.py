"""What the demo's ticket stories share while they are planned."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from tierdesk.demo.cast import Customer, Roster
from tierdesk.demo.script import Tally, TicketScript
from tierdesk.domain.people import Contact
from tierdesk.domain.tickets import Priority
from tierdesk.services.desk import Desk

# How long an agent takes to pick up a ticket, by priority: (shortest, longest) in minutes.
_PICK_UP = {
    Priority.P1: (3, 25),
    Priority.P2: (10, 90),
    Priority.P3: (30, 300),
    Priority.P4: (60, 720),
}


@dataclass
class World:
    desk: Desk
    rng: random.Random
    roster: Roster
    customers: list[Customer]
    start: datetime
    end: datetime
    tally: Tally
    # How far the dated records of workflow.json (written for a history ending on
    # ``builder.AUTHORED_END``) move to fit this history: whole weeks, so weekdays and office
    # hours stay what the content describes.
    content_shift: timedelta = timedelta(0)

    def when(self, authored: str) -> datetime:
        """A moment written in the demo content (ISO 8601), moved into this history."""
        return datetime.fromisoformat(authored) + self.content_shift

    def script(self, start: datetime, language: str) -> TicketScript:
        return TicketScript(self.desk, self.tally, start, language)

    def pick_customer(self, deepest_tier: int, languages: set[str] | None = None) -> Customer:
        """A customer whose plan reaches ``deepest_tier``; mostly one writing one of
        ``languages`` (when a scenario is told only in some), now and then one who writes in
        English instead of their own language."""
        fitting = [c for c in self.customers if c.plan_tier >= deepest_tier]
        if languages is not None and self.rng.random() < 0.85:
            speaking = [c for c in fitting if c.contacts[0].language in languages]
            fitting = speaking or fitting
        return self.rng.choices(fitting, weights=[c.weight for c in fitting])[0]

    def pick_contact(self, customer: Customer) -> Contact:
        return self.rng.choice(customer.contacts)

    def agent_delay(self, priority: Priority) -> timedelta:
        low, high = _PICK_UP[priority]
        return timedelta(minutes=self.rng.randint(low, high))

    def customer_delay(self) -> timedelta:
        return timedelta(minutes=self.rng.choice((20, 45, 90, 180, 600, 1200, 1800, 2880)))

    def work_delay(self, tier: int) -> timedelta:
        """How long work at a level takes before the next move."""
        hours = {0: (0.2, 1), 1: (1, 24), 2: (4, 72), 3: (24, 120), 4: (48, 240)}[tier]
        return timedelta(hours=self.rng.uniform(*hours))

    def opening_times(self, count: int) -> list[datetime]:
        """``count`` moments between start and end, mostly on weekday working hours."""
        span = (self.end - self.start).total_seconds()
        moments: list[datetime] = []
        while len(moments) < count:
            at = self.start + timedelta(seconds=self.rng.uniform(0, span))
            if at.weekday() >= 5 and self.rng.random() < 0.85:
                continue
            if not 6 <= at.hour < 18 and self.rng.random() < 0.8:
                continue
            moments.append(at.replace(microsecond=0))
        return sorted(moments)
