"""Live updates in the workspace: what changed since a reader last looked, who may hear of it,
and who else is on a ticket right now.

The database is the one source of truth (several web processes serve the same desk): ticket
changes are the audit trail's rows, read after a ``Watermark``; presence is a row per agent and
ticket refreshed by the page's heartbeat."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tierdesk.domain.people import Agent
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.visibility import can_see

# Rows are numbered when inserted but become visible when their transaction commits, and on
# PostgreSQL a later number can commit first. A reader therefore looks this far below the
# highest number it has seen and skips the numbers it has already handed out.
LOOK_BACK = 200


@dataclass(frozen=True)
class Watermark:
    """How far a reader has read an id-numbered table: the highest id seen, and the ids seen
    within ``LOOK_BACK`` below it; every id up to ``settled`` counts as seen (where the reader
    started)."""

    high: int = 0
    recent: frozenset[int] = frozenset()
    settled: int = 0

    @classmethod
    def at(cls, high: int) -> Watermark:
        """A reader starting now: everything up to ``high`` is behind it."""
        return cls(high=high, settled=high)

    @property
    def floor(self) -> int:
        """Read rows with ids above this."""
        return max(self.settled, self.high - LOOK_BACK, 0)

    def advance(self, ids: Iterable[int]) -> tuple[list[int], Watermark]:
        """Of the ids read above ``floor``, those not seen before (in order), and the mark after
        them."""
        fresh = sorted({i for i in ids if i > self.floor and i not in self.recent})
        high = max([self.high, *fresh])
        after = Watermark(high, frozenset(), self.settled)
        keep = frozenset(i for i in (*self.recent, *fresh) if i > after.floor)
        return fresh, Watermark(high, keep, self.settled)


@dataclass(frozen=True)
class TicketChange:
    """One audit event on a ticket, as the live stream needs it (no field values)."""

    event_id: int
    ticket_id: int
    action: str
    actor_kind: str
    actor_id: int | None
    actor_name: str


@dataclass(frozen=True)
class NewNotification:
    id: int
    agent_id: int
    kind: str


@dataclass(frozen=True)
class LiveBatch:
    """What a web process read in one poll, shared by all of its streams: the changes, the
    tickets they are about (as they are now) and the new notifications."""

    changes: Sequence[TicketChange] = ()
    ticket_by_id: dict[int, Ticket] = field(default_factory=dict)
    notifications: Sequence[NewNotification] = ()

    @property
    def empty(self) -> bool:
        return not self.changes and not self.notifications


@dataclass(frozen=True)
class LiveCursor:
    events: Watermark = Watermark()
    notifications: Watermark = Watermark()


def visible_changes(agent: Agent, batch: LiveBatch) -> list[tuple[TicketChange, Ticket]]:
    """The changes about tickets this agent may open now (``visibility.can_see``); of any other
    ticket the agent hears nothing, not even that it changed."""
    seen = []
    for change in batch.changes:
        ticket = batch.ticket_by_id.get(change.ticket_id)
        if ticket is not None and can_see(agent, ticket):
            seen.append((change, ticket))
    return seen


def notifications_for(agent: Agent, batch: LiveBatch) -> list[NewNotification]:
    return [n for n in batch.notifications if n.agent_id == agent.id]


# -- presence on a ticket -------------------------------------------------------------------


class PresenceState(StrEnum):
    VIEWING = "viewing"
    TYPING = "typing"  # writing a public reply

    @classmethod
    def parse(cls, value: str) -> PresenceState:
        return cls(value) if value in {s.value for s in cls} else cls.VIEWING


@dataclass(frozen=True)
class Presence:
    ticket_id: int
    agent_id: int
    state: PresenceState
    seen_at: datetime
    agent_name: str = ""

    def current(self, now: datetime, ttl: timedelta) -> bool:
        return now - self.seen_at < ttl


@dataclass(frozen=True)
class Collision:
    """Why a reply about to be sent may cross another: messages written since the sender's page
    was loaded (by anybody else, the customer too), and colleagues typing a reply right now."""

    wrote: tuple[str, ...] = ()
    typing: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.wrote or self.typing)
