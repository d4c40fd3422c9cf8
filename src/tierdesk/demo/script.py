"""The planned life of one demo ticket: timed steps that are later played, in time order with
every other ticket's steps, through the public services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from tierdesk.domain.handoff import TriedStep
from tierdesk.domain.messages import Channel, MessageKind
from tierdesk.domain.people import Actor, Agent, Contact, Tier
from tierdesk.domain.tickets import LinkKind, Priority, Status, TicketType
from tierdesk.domain.triage import triage_text
from tierdesk.errors import InvalidTransitionError
from tierdesk.services import conversation, escalation, tickets
from tierdesk.services.desk import Desk


@dataclass
class Tally:
    """What the demo produced, counted as it is played."""

    tickets: int = 0
    messages: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    escalations: int = 0
    de_escalations: int = 0
    links: Counter[str] = field(default_factory=Counter)
    merged: int = 0
    solved: int = 0
    closed: int = 0


@dataclass(frozen=True)
class Step:
    at: datetime
    run: Callable[[], object]
    milestone: str | None  # a state the ticket may be left in when the demo ends


class TicketScript:
    def __init__(self, desk: Desk, tally: Tally, start: datetime, language: str) -> None:
        self.desk = desk
        self.tally = tally
        self.cursor = start
        self.language = language
        self.steps: list[Step] = []
        self.number: str | None = None
        self.scenario: str | None = None  # the scenario it tells, when it tells one
        self.customer_channel = Channel.EMAIL  # how the customer writes after opening
        self.requester: Contact | None = None  # who opened it, when a customer did
        self.opening: tickets.NewTicket | None = None  # what it is opened with

    @property
    def ref(self) -> str:
        if self.number is None:
            raise RuntimeError("a demo step ran before its ticket was opened")
        return self.number

    @property
    def opened_at(self) -> datetime:
        return self.steps[0].at

    def wait(self, delta: timedelta) -> None:
        self.cursor += max(delta, timedelta(seconds=30))

    def _add(self, run: Callable[[], object], milestone: str | None = None) -> None:
        self.steps.append(Step(self.cursor, run, milestone))

    def closed_by(self, at: datetime) -> bool:
        """Whether the ticket is closed (or merged away) at ``at``, as planned so far."""
        return any(s.milestone in ("closed", "merged") and s.at <= at for s in self.steps)

    def milestones(self) -> list[str]:
        return [s.milestone for s in self.steps if s.milestone]

    def stop_after(self, milestone: str) -> None:
        """Drop every step after ``milestone``: the ticket stays in that state."""
        last = max(i for i, s in enumerate(self.steps) if s.milestone == milestone)
        del self.steps[last + 1 :]

    def stop_before(self, end: datetime) -> bool:
        """Keep only what happens before ``end``, cut at the last milestone reached; True when
        something was cut."""
        if self.steps[-1].at <= end:
            return False
        reached = [s.milestone for s in self.steps if s.milestone and s.at <= end]
        if reached:
            self.stop_after(reached[-1])
        else:
            del self.steps[1:]
        if self.steps[-1].at > end:
            self.squeeze_before(end)
        return True

    def squeeze_before(self, end: datetime) -> None:
        """Shift and compress the steps so that all of them happen before ``end``."""
        first, last = self.steps[0].at, self.steps[-1].at
        start = min(first, end - timedelta(hours=2))
        span = (last - first) or timedelta(seconds=1)
        room = end - timedelta(minutes=5) - start
        self.steps = [
            Step(
                (start + (s.at - first) * (room / span)).replace(microsecond=0)
                + timedelta(seconds=i),
                s.run,
                s.milestone,
            )
            for i, s in enumerate(self.steps)
        ]

    # -- what can happen to a ticket ---------------------------------------------------------

    def open(self, actor: Actor, new: tickets.NewTicket) -> None:
        if new.channel in (Channel.EMAIL, Channel.PORTAL):
            self.customer_channel = new.channel
        if isinstance(actor, Contact):
            self.requester = actor
        self.opening = new

        def run() -> None:
            self.number = tickets.open_ticket(self.desk, actor, new).number
            self.tally.tickets += 1
            self.tally.messages[str(MessageKind.CUSTOMER)] += 1
            self.tally.languages[self.language] += 1

        self._add(run, "new")

    def write(
        self,
        actor: Actor,
        kind: MessageKind,
        text: str,
        milestone: str | None = None,
    ) -> None:
        """Customers write the way they opened the ticket (e-mail after a call); agents write
        in the desk's web workspace."""
        channel = self.customer_channel if isinstance(actor, Contact) else Channel.WEB

        def run() -> None:
            conversation.add_message(self.desk, actor, self.ref, kind, text=text, channel=channel)
            self.tally.messages[str(kind)] += 1
            if kind is not MessageKind.INTERNAL_NOTE:
                self.tally.languages[self.language] += 1

        self._add(run, milestone)

    def assign(self, by: Agent, agent: Agent, milestone: str | None = None) -> None:
        def run() -> None:
            try:
                tickets.assign_ticket(self.desk, by, self.ref, agent.id)
            except InvalidTransitionError:
                # Routing may already have given the ticket to this very agent at intake.
                if tickets.get_ticket(self.desk, by, self.ref).assignee_id != agent.id:
                    raise

        self._add(run, milestone)

    def set_status(
        self, actor: Actor, status: Status, reason: str, milestone: str | None = None
    ) -> None:
        self._add(
            lambda: tickets.change_status(self.desk, actor, self.ref, status, reason), milestone
        )

    def set_priority(self, actor: Actor, priority: Priority, reason: str) -> None:
        self._add(lambda: tickets.change_priority(self.desk, actor, self.ref, priority, reason))

    def reclassify(self, actor: Actor, ticket_type: TicketType) -> None:
        self._add(lambda: tickets.update_ticket(self.desk, actor, self.ref, type=ticket_type))

    def escalate(self, actor: Actor, to: int, reason: str, note: str) -> None:
        """Escalate with the packet the desk drafts from the thread, completed from the
        engineer's note where the thread does not say enough (as a person would)."""

        def run() -> None:
            draft = escalation.draft_packet_for(self.desk, actor, self.ref)
            lines = [line.strip() for line in note.splitlines() if line.strip()]
            packet = replace(
                draft,
                environment=draft.environment
                or next((ln for ln in lines if "Product" in ln), note),
                steps_tried=draft.steps_tried
                or [TriedStep(ln.removeprefix("Tried: ")) for ln in lines if ln.startswith("Tried")]
                or [TriedStep(lines[-1] if lines else reason)],
                hypotheses=draft.hypotheses or [reason],
            )
            escalation.escalate_ticket(self.desk, actor, self.ref, Tier(to), reason, packet)
            self.tally.escalations += 1

        self._add(run)

    def accept(self, agent: Agent, milestone: str | None = None) -> None:
        """The receiving level takes the escalated ticket."""
        self._add(lambda: escalation.accept_escalation(self.desk, agent, self.ref), milestone)

    def bounce(self, actor: Actor, reason: str, guidance: str) -> None:
        def run() -> None:
            escalation.bounce_escalation(self.desk, actor, self.ref, guidance, reason)
            self.tally.de_escalations += 1

        self._add(run)

    def solve(self, actor: Actor, resolution: str) -> None:
        def run() -> None:
            tickets.solve_ticket(self.desk, actor, self.ref, resolution)
            self.tally.solved += 1

        self._add(run, "solved")

    def close(self, actor: Actor, reason: str) -> None:
        def run() -> None:
            tickets.close_ticket(self.desk, actor, self.ref, reason)
            self.tally.closed += 1

        self._add(run, "closed")

    def link(self, actor: Actor, target: TicketScript, kind: LinkKind) -> None:
        def run() -> None:
            tickets.link_tickets(self.desk, actor, self.ref, target.ref, kind)
            self.tally.links[str(kind)] += 1

        self._add(run)

    def merge_into(self, actor: Actor, target: TicketScript, reason: str) -> None:
        def run() -> None:
            tickets.merge_tickets(self.desk, actor, self.ref, target.ref, reason)
            self.tally.merged += 1

        self._add(run, "merged")


def opening_texts(scripts: list[TicketScript]) -> list[str]:
    """What triage's cold start will embed of each ticket (its subject and first message), in
    the order the tickets will be opened: the embedding worker takes them ahead."""
    openings = sorted(
        (s.steps[0].at, i, s.opening) for i, s in enumerate(scripts) if s.opening and s.steps
    )
    return [triage_text(o.subject, o.body_text or "") for _, _, o in openings]
