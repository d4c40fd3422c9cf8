"""Maps the tables onto the plain domain classes from the outside (the domain never imports
SQLAlchemy). Called once per process by ``start_mappers``; idempotent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import registry, relationship

from tierdesk.adapters.db import tables
from tierdesk.adapters.db.mappers_levels import map_levels
from tierdesk.adapters.db.mappers_workflow import map_workflow
from tierdesk.domain.audit import AuditEvent
from tierdesk.domain.catalog import Component, Product, Version
from tierdesk.domain.messages import Attachment, Message
from tierdesk.domain.names import name_key
from tierdesk.domain.people import Agent, Contact, Organisation, SupportPlan
from tierdesk.domain.tickets import Ticket, TicketLink

mapper_registry = registry()
_started = False


def start_mappers() -> None:
    global _started
    if _started:
        return
    _started = True
    reg = mapper_registry
    reg.map_imperatively(SupportPlan, tables.support_plans)
    reg.map_imperatively(Organisation, tables.organisations)
    reg.map_imperatively(Contact, tables.contacts)
    reg.map_imperatively(Agent, tables.agents)
    reg.map_imperatively(Component, tables.components)
    reg.map_imperatively(Version, tables.versions)
    reg.map_imperatively(
        Product,
        tables.products,
        properties={
            "components": relationship(
                Component,
                order_by=tables.components.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "versions": relationship(
                Version,
                order_by=tables.versions.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
    reg.map_imperatively(Attachment, tables.attachments)
    reg.map_imperatively(
        Message,
        tables.messages,
        properties={
            "attachments": relationship(
                Attachment,
                order_by=tables.attachments.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
    )
    reg.map_imperatively(
        TicketLink,
        tables.ticket_links,
        properties={
            "source_ticket_id": tables.ticket_links.c.source_ticket_id,
        },
    )
    reg.map_imperatively(
        Ticket,
        tables.tickets,
        properties={
            "messages": relationship(
                Message,
                order_by=tables.messages.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
            "links": relationship(
                TicketLink,
                primaryjoin=tables.tickets.c.id == tables.ticket_links.c.source_ticket_id,
                order_by=tables.ticket_links.c.id,
                lazy="selectin",
                cascade="all, delete-orphan",
            ),
        },
        exclude_properties=["pending_events"],
    )
    reg.map_imperatively(AuditEvent, tables.audit_events)
    event.listen(Ticket, "load", _init_pending_events)
    for named in (Organisation, Product):
        event.listen(named, "before_insert", _keep_name_key)
        event.listen(named, "before_update", _keep_name_key)
    map_levels(reg)
    map_workflow(reg)


def _keep_name_key(_mapper: Any, _connection: Any, target: Organisation | Product) -> None:
    # The comparison key is storage's business (a unique index), not the domain's: it is kept
    # in step with the name on every write, whoever changed the name.
    setattr(target, "name_key", name_key(target.name))  # noqa: B010 - not a domain attribute


def _init_pending_events(ticket: Ticket, _context: Any) -> None:
    # Loading bypasses __init__, so the unsaved-events list has to be created here.
    ticket.pending_events = []
