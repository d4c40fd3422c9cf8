"""Maps levels and hand-off packets onto their domain classes."""

from __future__ import annotations

from sqlalchemy.orm import registry

from tierdesk.adapters.db import tables_levels
from tierdesk.domain.handoff import HandoffPacket
from tierdesk.domain.levels import Level


def map_levels(reg: registry) -> None:
    reg.map_imperatively(Level, tables_levels.levels)
    reg.map_imperatively(HandoffPacket, tables_levels.handoff_packets)
