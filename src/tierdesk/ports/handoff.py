"""Storage of hand-off packets."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tierdesk.domain.handoff import HandoffPacket


class PacketRepository(Protocol):
    def add(self, packet: HandoffPacket) -> None: ...
    def for_ticket(self, ticket_id: int) -> list[HandoffPacket]: ...
    def latest(self, ticket_id: int) -> HandoffPacket | None: ...
    def next_sequence(self, ticket_id: int) -> int: ...
    def bounced_since(self, since: datetime, limit: int) -> list[HandoffPacket]:
        """Packets bounced since then, newest first (at most ``limit``)."""
        ...
