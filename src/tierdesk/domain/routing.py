"""Routing: which queue (and level) a ticket goes to, and which agent gets it — with the why.

Everything here is a pure decision over plain values. The services gather the facts (the
ticket's product, language, plan, the agents' loads) and record each decision on the ticket with
``Ticket.route_to``, whose reason is the ``why`` these functions return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from tierdesk.domain.answers import AnswerPolicy
from tierdesk.domain.people import Agent, Tier
from tierdesk.errors import InvalidInputError, InvalidTransitionError

# A rule's place in its order (event rules, routing rules) is a 32-bit column on every engine: a
# larger number failed when it was bound (SQLite past 2**63, PostgreSQL past 2**31), a 500. A
# billion either way leaves room for the steps that move a rule or put a new one last.
MAX_POSITION = 1_000_000_000

_QUEUE_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


def normalise_queue_key(key: str) -> str:
    cleaned = key.strip().lower()
    if not _QUEUE_KEY.fullmatch(cleaned):
        raise InvalidInputError(
            f"{key!r} is not a queue key: use 1-120 letters, digits, '.', '_' or '-'",
            field="key",
        )
    return cleaned


# A language tag as tickets carry one: ``de``, ``gsw``, ``de-ch``, ``zh-hant-tw``.
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8}){0,3}")


def is_language_code(text: str) -> bool:
    return _LANGUAGE_CODE.fullmatch(text) is not None


def normalise_languages(languages: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for language in languages:
        code = language.strip().lower()
        if not _LANGUAGE_CODE.fullmatch(code):
            raise InvalidInputError(f"{language!r} is not a language code", field="languages")
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


@dataclass(eq=False)
class Queue:
    """Work waiting at one level for one product area. ``product_id`` None serves every product
    (a level's catch-all queue); ``languages`` empty serves every language."""

    key: str
    name: str
    tier: Tier
    product_id: int | None = None
    component_id: int | None = None
    languages: list[str] = field(default_factory=list)
    active: bool = True
    answers: AnswerPolicy = AnswerPolicy.OFF  # what the answerer does here (issue 17)
    id: int | None = None

    def serves(self, facts: TicketFacts) -> bool:
        if self.product_id is not None and self.product_id != facts.product_id:
            return False
        if self.component_id is not None and self.component_id != facts.component_id:
            return False
        return not self.languages or (facts.language or "") in self.languages

    @property
    def specificity(self) -> int:
        """How narrowly the queue is cut: a component queue beats a product queue beats a
        catch-all; naming languages narrows further."""
        return (
            (4 if self.product_id is not None else 0)
            + (2 if self.component_id is not None else 0)
            + (1 if self.languages else 0)
        )


def level_in_queue(current: Tier, queue: Queue, ticket: str) -> Tier | None:
    """The level a ticket is at once put in ``queue`` by hand or by a rule (None: it stays).

    A queue belongs to a level. Within its level a ticket moves freely between queues; out of
    L0 intake it goes to the queue's level, as a routing rule would send it (the caller applies
    the same entry and plan checks). Any other change of level is an escalation or a hand-back,
    with its packet and acceptance, and never a queue move."""
    if queue.tier == current:
        return None
    if current is Tier.L0:
        return queue.tier
    how = "escalate it" if queue.tier > current else "hand it back"
    raise InvalidTransitionError(
        f"{queue.key} is an {queue.tier.label} queue and {ticket} is at {current.label}; "
        f"a ticket changes level only by escalation or hand-back: {how} to "
        f"{queue.tier.label} instead",
        queue=queue.key,
        tier=int(current),
        queue_tier=int(queue.tier),
    )


@dataclass(frozen=True)
class TicketFacts:
    """What routing and rules look at, gathered once from the ticket and what it refers to."""

    tier: Tier
    status: str
    priority: str
    type: str
    channel: str
    queue: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    product_id: int | None = None
    product_key: str | None = None
    product_name: str | None = None
    component_id: int | None = None
    component_name: str | None = None
    plan: str | None = None
    assignee_id: int | None = None
    hours_since_creation: float = 0.0
    hours_since_update: float = 0.0
    hours_in_status: float = 0.0

    def describe(self) -> str:
        """The facts routing rules look at, for "no rule matched" explanations."""
        parts = [
            f"{self.priority} {self.type} via {self.channel}",
            f"product {self.product_key or 'none'}",
        ]
        if self.component_name:
            parts.append(f"component {self.component_name}")
        parts += [f"language {self.language or 'unknown'}", f"plan {self.plan or 'none'}"]
        return ", ".join(parts)


# -- routing rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingConditions:
    """Each list names the values a ticket may have; an empty list accepts any value. All
    non-empty lists must accept the ticket for the rule to match. Values compare ignoring case."""

    products: tuple[str, ...] = ()  # product keys
    components: tuple[str, ...] = ()  # component names
    languages: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()  # support plan keys (the entitlement)
    types: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    @classmethod
    def of(cls, data: dict[str, Any]) -> RoutingConditions:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInputError(
                f"unknown routing condition {unknown[0]!r}; use {', '.join(sorted(known))}",
                field="conditions",
            )
        values: dict[str, tuple[str, ...]] = {}
        for name, raw in data.items():
            if raw is None:
                continue
            if isinstance(raw, str) or not isinstance(raw, list | tuple):
                raise InvalidInputError(
                    f"routing condition {name!r} takes a list of values",
                    field=f"conditions.{name}",
                )
            cleaned = []
            for item in raw:
                if not isinstance(item, str) or not item.strip():
                    raise InvalidInputError(
                        f"routing condition {name!r} holds a blank or non-text value",
                        field=f"conditions.{name}",
                    )
                text = item.strip() if name == "priorities" else item.strip().lower()
                cleaned.append(text.upper() if name == "priorities" else text)
            values[name] = tuple(dict.fromkeys(cleaned))
        return cls(**values)

    def to_dict(self) -> dict[str, list[str]]:
        return {f.name: list(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name)}

    def _checks(self, facts: TicketFacts) -> list[tuple[str, tuple[str, ...], str | None]]:
        return [
            ("product", self.products, facts.product_key),
            ("component", self.components, (facts.component_name or "").lower() or None),
            ("language", self.languages, facts.language),
            ("plan", self.plans, facts.plan),
            ("type", self.types, facts.type),
            ("priority", self.priorities, facts.priority),
            ("channel", self.channels, facts.channel),
        ]

    def matches(self, facts: TicketFacts) -> bool:
        return all(not allowed or value in allowed for _, allowed, value in self._checks(facts))

    def mismatches(self, facts: TicketFacts) -> list[str]:
        """Why the ticket does not match: ``language en, the rule wants de/fr``."""
        return [
            f"{label} {value or 'none'}, the rule wants {'/'.join(allowed)}"
            for label, allowed, value in self._checks(facts)
            if allowed and value not in allowed
        ]

    def describe(self, facts: TicketFacts | None = None) -> str:
        """``product kestrel-sbc, language de`` — with the ticket's values when given."""
        parts = []
        for label, allowed, value in self._checks(facts or _NO_FACTS):
            if allowed:
                parts.append(f"{label} {value}" if facts else f"{label} {'/'.join(allowed)}")
        return ", ".join(parts) or "any ticket"


_NO_FACTS = TicketFacts(tier=Tier.L0, status="", priority="", type="", channel="")


@dataclass(eq=False)
class RoutingRule:
    """Where new tickets go: the first enabled rule (by position) whose conditions match sends
    the ticket to ``queue``; ``assign`` says whether a member is picked there at once."""

    name: str
    queue: str
    conditions: RoutingConditions = field(default_factory=RoutingConditions)
    position: int = 0
    assign: bool = True
    enabled: bool = True
    id: int | None = None


def first_matching_rule(rules: Sequence[RoutingRule], facts: TicketFacts) -> RoutingRule | None:
    ordered = sorted((r for r in rules if r.enabled), key=lambda r: (r.position, r.id or 0))
    return next((rule for rule in ordered if rule.conditions.matches(facts)), None)


@dataclass(frozen=True)
class QueueChoice:
    queue: Queue | None
    why: str


def queue_for_level(queues: Sequence[Queue], tier: Tier, facts: TicketFacts) -> QueueChoice:
    """The most specific active queue at ``tier`` that serves the ticket's product area and
    language (lowest id among equally specific ones, so the choice is stable)."""
    area = facts.component_name or facts.product_name or "any product"
    serving = [q for q in queues if q.active and q.tier == tier and q.serves(facts)]
    if not serving:
        return QueueChoice(None, f"no active {tier.label} queue serves {area}")
    best = min(serving, key=lambda q: (-q.specificity, q.id or 0))
    return QueueChoice(best, f"{best.key} is the {tier.label} queue for {area}")


# -- assignment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A queue member as assignment sees them: their open tickets now and when they were last
    given one by routing (None: never)."""

    agent: Agent
    open_tickets: int
    last_assigned_at: datetime | None = None


@dataclass(frozen=True)
class Assignment:
    agent: Agent | None
    why: str


def _skill(agent: Agent, facts: TicketFacts) -> tuple[int, str | None]:
    """0: knows the component, 1: knows the product, 2: neither (or the ticket names none)."""
    known = {s.strip().lower() for s in agent.skills}
    if facts.component_name and facts.component_name.lower() in known:
        return 0, facts.component_name
    for name in (facts.product_name, facts.product_key):
        if name and name.lower() in known:
            return 1, facts.product_name or name
    return 2, None


def _speaks(agent: Agent, facts: TicketFacts) -> bool:
    return facts.language is None or facts.language in {x.lower() for x in agent.languages}


def _unavailable(candidate: Candidate, tier: Tier) -> str | None:
    agent = candidate.agent
    if not agent.active:
        return "inactive"
    if agent.away:
        return "away"
    if not agent.works_tier(tier):
        return f"does not work {tier.label}"
    if candidate.open_tickets >= agent.capacity:
        return f"at capacity {candidate.open_tickets}/{agent.capacity}"
    return None


def choose_assignee(candidates: Sequence[Candidate], tier: Tier, facts: TicketFacts) -> Assignment:
    """Pick the member who speaks the ticket's language, knows its component or product, and
    carries the smallest share of their capacity — in that order. Among equals, the one who has
    waited longest since routing last gave them a ticket (round robin). Away, inactive and full
    agents are skipped, and the why says so."""
    skipped: list[str] = []
    available: list[Candidate] = []
    for candidate in candidates:
        problem = _unavailable(candidate, tier)
        if problem:
            skipped.append(f"{candidate.agent.name} ({problem})")
        else:
            available.append(candidate)
    skipped_note = f"; skipped {', '.join(skipped)}" if skipped else ""
    if not available:
        if not candidates:
            return Assignment(None, "nobody assigned: the queue has no members")
        return Assignment(None, f"nobody assigned: no member is available{skipped_note}")

    def rank(c: Candidate) -> tuple[int, int, Fraction]:
        return (0 if _speaks(c.agent, facts) else 1, _skill(c.agent, facts)[0], _share(c))

    best_rank = min(rank(c) for c in available)
    equals = [c for c in available if rank(c) == best_rank]
    # Never assigned sorts first; then the oldest last assignment; then the lowest id.
    chosen = min(
        equals,
        key=lambda c: (
            c.last_assigned_at is not None,
            c.last_assigned_at or _NEVER,
            c.agent.id or 0,
        ),
    )
    agent = chosen.agent
    reasons = []
    if facts.language:
        reasons.append(
            f"speaks {facts.language}"
            if _speaks(agent, facts)
            else f"does not speak {facts.language} (no available member does)"
        )
    _, knows = _skill(agent, facts)
    if knows:
        reasons.append(f"knows {knows}")
    elif facts.product_name:
        reasons.append(f"no available member knows {facts.product_name}")
    reasons.append(f"{chosen.open_tickets}/{agent.capacity} open")
    if len(equals) > 1:
        reasons.append(
            "never assigned before"
            if chosen.last_assigned_at is None
            else "longest since last assignment"
        )
        reasons[-1] += f" among {len(equals)} equals"
    return Assignment(agent, f"{agent.name}: {', '.join(reasons)}{skipped_note}")


_NEVER = datetime.min.replace(tzinfo=UTC)


def _share(candidate: Candidate) -> Fraction:
    return Fraction(candidate.open_tickets, max(candidate.agent.capacity, 1))
