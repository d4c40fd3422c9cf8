"""Storage of outage proposals, and the recent tickets the outage check reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tierdesk.domain.outages import OutageProposal, ProposalStatus, RecentTicket


class OutageRepository(Protocol):
    def recent_tickets(self, since: datetime) -> list[RecentTicket]: ...
    def add(self, proposal: OutageProposal) -> None: ...
    def find(self, status: ProposalStatus | None) -> list[OutageProposal]: ...
    def get(self, proposal_id: int) -> OutageProposal | None: ...
    def open_with(self, ticket_ids: Sequence[int]) -> OutageProposal | None: ...
