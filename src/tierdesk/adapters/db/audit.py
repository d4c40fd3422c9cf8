"""The audit trail in storage: its mapping and the log. The ``audit_events`` table stays in
``tables.py`` (its triggers refuse UPDATE and DELETE; the metrics read it)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, registry

from tierdesk.adapters.db import tables
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.audit_query import AuditQuery


def map_audit(reg: registry) -> None:
    reg.map_imperatively(AuditEvent, tables.audit_events)


class SqlAuditLog:
    """Adds and reads audit events. There is no update or delete: the tables refuse both."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, event: AuditEvent) -> None:
        self.session.add(event)

    def for_ticket(self, ticket_id: int, *, public_only: bool) -> list[AuditEvent]:
        a = tables.audit_events.c
        query = select(AuditEvent).where(a.ticket_id == ticket_id)
        if public_only:
            query = query.where(a.public.is_(True))
        return list(self.session.scalars(query.order_by(a.id)))

    def of_ticket(self, ticket_id: int, event_id: int) -> AuditEvent | None:
        event = self.session.get(AuditEvent, event_id)
        return event if event is not None and event.ticket_id == ticket_id else None

    def search(self, query: AuditQuery) -> list[AuditEvent]:
        # Newest first by id, the order events were recorded in: the primary key serves both the
        # order and the keyset cursor, so a page reads a bounded slice without a sort.
        a = tables.audit_events.c
        conditions: list[ColumnElement[bool]] = []
        if query.entity:
            conditions.append(a.subject_type == query.entity)
        if query.actor is not None:
            conditions.append(a.actor_kind == query.actor.kind)
            if query.actor.id is not None:
                conditions.append(a.actor_id == query.actor.id)
        if query.action_prefix:
            # autoescape: "sla_policy." must not read "_" as LIKE's any-character.
            conditions.append(a.action.startswith(query.action_prefix, autoescape=True))
        if query.since is not None:
            conditions.append(a.at >= query.since)
        if query.until is not None:
            conditions.append(a.at < query.until)
        if query.before_id is not None:
            conditions.append(a.id < query.before_id)
        statement = (
            select(AuditEvent).where(*conditions).order_by(a.id.desc()).limit(query.limit + 1)
        )
        return list(self.session.scalars(statement))

    def subject_types(self) -> list[str]:
        a = tables.audit_events.c
        kinds = select(a.subject_type).distinct().order_by(a.subject_type)
        return list(self.session.scalars(kinds))
