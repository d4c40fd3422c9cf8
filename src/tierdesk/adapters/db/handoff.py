"""Hand-off packets in storage (what moves a ticket between levels): the table, its mapping
and the repository."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, JsonValue, TierNumber, UtcDateTime
from tierdesk.domain.handoff import HandoffPacket, PacketContent, PacketStatus

handoff_packets = Table(
    "handoff_packets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("sequence", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("from_tier", TierNumber, nullable=False),
    Column("to_tier", TierNumber, nullable=False),
    Column("reason", Text, nullable=False),
    Column("content", JsonValue(PacketContent), nullable=False),
    Column("author_kind", String(16), nullable=False),
    Column("author_id", Integer),
    Column("author_name", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", EnumText(PacketStatus), nullable=False),
    Column("decided_by", String(200)),
    Column("decided_at", UtcDateTime),
    Column("guidance", Text),
    UniqueConstraint(
        "ticket_id", "sequence", "revision", name="uq_handoff_packets_ticket_sequence_revision"
    ),
)

_p = handoff_packets.c


def map_handoff(reg: registry) -> None:
    reg.map_imperatively(HandoffPacket, handoff_packets)


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

    def bounced_since(self, since: datetime, limit: int) -> list[HandoffPacket]:
        query = (
            select(HandoffPacket)
            .where(_p.status == PacketStatus.BOUNCED, _p.decided_at >= since)
            .order_by(_p.decided_at.desc(), _p.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))
