"""Incidents and their status updates in storage: the tables, their mappings and the
repository."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime
from tierdesk.domain.incidents import Incident, IncidentSeverity, IncidentStatus, IncidentUpdate

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("severity", EnumText(IncidentSeverity), nullable=False),
    Column("status", EnumText(IncidentStatus), nullable=False, index=True),
    Column("product_id", ForeignKey("products.id")),
    Column("declared_at", UtcDateTime, nullable=False),
    Column("declared_by", String(200), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    Column("post_incident_note", Text),
)

incident_updates = Table(
    "incident_updates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", ForeignKey("incidents.id"), nullable=False, index=True),
    Column("status", EnumText(IncidentStatus), nullable=False),
    Column("text", Text, nullable=False),
    Column("posted_at", UtcDateTime, nullable=False),
    Column("posted_by", String(200), nullable=False),
    Column("tickets_notified", Integer, nullable=False),
)


def map_incidents(reg: registry) -> None:
    reg.map_imperatively(Incident, incidents)
    reg.map_imperatively(IncidentUpdate, incident_updates)


class SqlIncidentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, incident: Incident) -> None:
        self.session.add(incident)

    def get(self, incident_id: int) -> Incident | None:
        return self.session.get(Incident, incident_id)

    def find(self, status: IncidentStatus | None = None) -> list[Incident]:
        query = select(Incident).order_by(incidents.c.id.desc())
        if status is not None:
            query = query.where(incidents.c.status == str(status))
        return list(self.session.scalars(query))

    def add_update(self, update: IncidentUpdate) -> None:
        self.session.add(update)

    def updates(self, incident_id: int) -> list[IncidentUpdate]:
        c = incident_updates.c
        query = select(IncidentUpdate).where(c.incident_id == incident_id)
        return list(self.session.scalars(query.order_by(c.id)))
