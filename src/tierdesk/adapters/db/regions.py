"""Follow-the-sun regions, their engineers and the hand-overs between them in storage: the
tables, their mappings and the repositories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.handovers import Handover, HandoverStatus
from tierdesk.domain.regions import Region
from tierdesk.ports.regions import HandoverFilter

regions = Table(
    "regions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False),
    Column("hours", String(500), nullable=False),
    Column("hands_to_id", ForeignKey("regions.id")),
    Column("handed_over_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
)

# An agent works in one region at most (the primary key says so).
region_members = Table(
    "region_members",
    metadata,
    Column("agent_id", ForeignKey("agents.id"), primary_key=True),
    Column("region_id", ForeignKey("regions.id"), nullable=False, index=True),
)

handovers = Table(
    "handovers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("from_region_id", ForeignKey("regions.id"), nullable=False),
    Column("to_region_id", ForeignKey("regions.id"), nullable=False, index=True),
    Column("from_agent_id", ForeignKey("agents.id"), nullable=False),
    Column("shift_end", UtcDateTime, nullable=False),
    Column("note", Text, nullable=False),
    Column("status", EnumText(HandoverStatus), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("handed_over_at", UtcDateTime),
    Column("accepted_by_id", ForeignKey("agents.id")),
    Column("accepted_by", String(200)),
    Column("accepted_at", UtcDateTime),
    Column("assignee_id", ForeignKey("agents.id")),
    # One hand-over per ticket and shift end, however many workers and buttons get there.
    UniqueConstraint("ticket_id", "shift_end", name="uq_handovers_ticket_shift_end"),
)

_r, _m, _h = regions.c, region_members.c, handovers.c


def map_regions(reg: registry) -> None:
    reg.map_imperatively(Region, regions)
    reg.map_imperatively(Handover, handovers)


class SqlRegionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Region]:
        return list(self.session.scalars(select(Region).order_by(_r.name)))

    def get(self, region_id: int) -> Region | None:
        return self.session.get(Region, region_id)

    def named(self, name: str) -> Region | None:
        return self.session.scalars(select(Region).where(_r.name == name)).first()

    def add(self, region: Region) -> None:
        self.session.add(region)
        self.session.flush()

    def delete(self, region: Region) -> None:
        self.session.execute(delete(region_members).where(_m.region_id == region.id))
        self.session.delete(region)
        self.session.flush()

    def members(self, region_id: int) -> list[int]:
        query = select(_m.agent_id).where(_m.region_id == region_id).order_by(_m.agent_id)
        return list(self.session.scalars(query))

    def region_of(self, agent_id: int) -> int | None:
        return self.session.scalar(select(_m.region_id).where(_m.agent_id == agent_id))

    def set_region(self, agent_id: int, region_id: int | None) -> None:
        self.session.execute(delete(region_members).where(_m.agent_id == agent_id))
        if region_id is not None:
            self.session.execute(
                region_members.insert().values(agent_id=agent_id, region_id=region_id)
            )


class SqlHandoverRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, handover: Handover) -> None:
        self.session.add(handover)
        self.session.flush()

    def get(self, handover_id: int) -> Handover | None:
        return self.session.get(Handover, handover_id)

    def for_ticket(self, ticket_id: int) -> list[Handover]:
        query = select(Handover).where(_h.ticket_id == ticket_id).order_by(_h.id)
        return list(self.session.scalars(query))

    def for_shift(self, ticket_ids: Sequence[int], shift_end: datetime) -> dict[int, Handover]:
        if not ticket_ids:
            return {}
        query = select(Handover).where(
            _h.ticket_id.in_(list(ticket_ids)), _h.shift_end == shift_end
        )
        return {h.ticket_id: h for h in self.session.scalars(query)}

    def page_any(self, region_id: int) -> bool:
        query = select(_h.id).where(
            (_h.from_region_id == region_id) | (_h.to_region_id == region_id)
        )
        return self.session.scalar(query.limit(1)) is not None

    def page(self, wanted: HandoverFilter, limit: int, before_id: int | None) -> list[Handover]:
        query = select(Handover)
        if wanted.to_region_id is not None:
            query = query.where(_h.to_region_id == wanted.to_region_id)
        if wanted.from_region_id is not None:
            query = query.where(_h.from_region_id == wanted.from_region_id)
        if wanted.status is not None:
            query = query.where(_h.status == wanted.status)
        if wanted.ticket_id is not None:
            query = query.where(_h.ticket_id == wanted.ticket_id)
        if before_id is not None:
            query = query.where(_h.id < before_id)
        return list(self.session.scalars(query.order_by(_h.id.desc()).limit(limit)))
