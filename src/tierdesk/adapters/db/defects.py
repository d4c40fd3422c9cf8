"""Defects in storage: the table (with the tracker mirror's columns), its mapping onto
``Defect`` and the repository."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import json_dict, json_list, metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.defects import Defect, DefectStatus, Severity

defects = Table(
    "defects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("reproduction", json_dict(), nullable=False),
    Column("severity", EnumText(Severity), nullable=False),
    Column("status", EnumText(DefectStatus), nullable=False, index=True),
    Column("fixed_in", String(64)),
    Column("product_id", ForeignKey("products.id"), index=True),
    Column("source_ticket_id", ForeignKey("tickets.id")),
    Column("tracker", String(32)),
    Column("external_id", String(64)),
    Column("external_url", String(500)),
    Column("external_state", String(32)),
    Column("external_labels", json_list(), nullable=False),
    Column("external_milestone", String(200)),
    Column("synced_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("tracker", "external_id", name="uq_defects_tracker_external_id"),
)


def map_defects(reg: registry) -> None:
    reg.map_imperatively(Defect, defects)


class SqlDefectRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, defect: Defect) -> None:
        self.session.add(defect)

    def get(self, defect_id: int) -> Defect | None:
        return self.session.get(Defect, defect_id)

    def find(self, status: DefectStatus | None = None) -> list[Defect]:
        query = select(Defect).order_by(defects.c.id)
        if status is not None:
            query = query.where(defects.c.status == str(status))
        return list(self.session.scalars(query))

    def by_external(self, tracker: str, external_id: str) -> Defect | None:
        c = defects.c
        query = select(Defect).where(c.tracker == tracker, c.external_id == external_id)
        return self.session.scalars(query).first()

    def to_poll(self) -> list[Defect]:
        c = defects.c
        query = select(Defect).where(c.status == str(DefectStatus.OPEN), c.external_id.is_not(None))
        return list(self.session.scalars(query.order_by(c.id)))
