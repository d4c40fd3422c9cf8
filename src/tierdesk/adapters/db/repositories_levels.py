"""Levels and hand-off packets in storage."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db import tables_levels
from tierdesk.domain.handoff import HandoffPacket
from tierdesk.domain.levels import Level
from tierdesk.domain.people import Tier

_p = tables_levels.handoff_packets.c


class SqlLevelRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Level]:
        query = select(Level).order_by(tables_levels.levels.c.tier)
        return list(self.session.scalars(query))

    def get(self, tier: Tier) -> Level | None:
        query = select(Level).where(tables_levels.levels.c.tier == int(tier))
        return self.session.scalars(query).first()


class SqlPacketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, packet: HandoffPacket) -> None:
        self.session.add(packet)

    def for_ticket(self, ticket_id: int) -> list[HandoffPacket]:
        query = select(HandoffPacket).where(_p.ticket_id == ticket_id)
        return list(self.session.scalars(query.order_by(_p.sequence, _p.revision)))

    def latest(self, ticket_id: int) -> HandoffPacket | None:
        """The newest revision of the newest packet."""
        query = (
            select(HandoffPacket)
            .where(_p.ticket_id == ticket_id)
            .order_by(_p.sequence.desc(), _p.revision.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def next_sequence(self, ticket_id: int) -> int:
        query = select(func.max(_p.sequence)).where(_p.ticket_id == ticket_id)
        current = self.session.scalar(query)
        return int(current or 0) + 1
