"""Storage the live updates read: the audit trail and the notifications after a mark, and who is
on which ticket (``services/live.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tierdesk.domain.live import NewNotification, Presence, PresenceState, TicketChange


class LiveFeed(Protocol):
    def last_event_id(self) -> int: ...
    def last_notification_id(self) -> int: ...
    def changes_after(self, event_id: int, limit: int) -> list[TicketChange]:
        """Audit events about tickets with ids above ``event_id``, oldest first."""
        ...

    def notifications_after(self, notification_id: int, limit: int) -> list[NewNotification]: ...
    def last_ticket_event_id(self, ticket_id: int) -> int: ...


class PresenceRepository(Protocol):
    def touch(self, ticket_id: int, agent_id: int, state: PresenceState, at: datetime) -> None:
        """Insert or refresh the agent's row on the ticket (one per agent and ticket)."""
        ...

    def leave(self, ticket_id: int, agent_id: int) -> None: ...
    def on_ticket(self, ticket_id: int, since: datetime) -> list[Presence]:
        """Who was on the ticket at or after ``since``, with their names."""
        ...

    def forget_before(self, at: datetime) -> int: ...
    def forget_agent(self, agent_id: int) -> int:
        """The agent is on no ticket any more (signed out): how many rows went."""
        ...
