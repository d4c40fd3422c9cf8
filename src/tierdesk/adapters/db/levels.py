"""The support levels in storage: the table, its mapping and the repository."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, String, Table, Text, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import json_list, metadata
from tierdesk.adapters.db.types import TierNumber
from tierdesk.domain.levels import Level
from tierdesk.domain.people import Tier

levels = Table(
    "levels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tier", TierNumber, nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("takes_from_customers", Boolean, nullable=False),
    Column("sees_restricted", Boolean, nullable=False),
    Column("required_packet_fields", json_list(), nullable=False),
)


def map_levels(reg: registry) -> None:
    reg.map_imperatively(Level, levels)


class SqlLevelRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Level]:
        query = select(Level).order_by(levels.c.tier)
        return list(self.session.scalars(query))

    def get(self, tier: Tier) -> Level | None:
        query = select(Level).where(levels.c.tier == int(tier))
        return self.session.scalars(query).first()
