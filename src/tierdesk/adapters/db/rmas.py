"""Hardware replacements in storage (issue 21 item 4): the ``rmas`` table, its mapping and the
repository."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, or_, select
from sqlalchemy.orm import Session, registry
from sqlalchemy.sql.elements import ColumnElement

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import EnumText, UtcDateTime, storable_id
from tierdesk.domain.rmas import Rma, RmaKind, RmaState

rmas = Table(
    "rmas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("installed_item_id", ForeignKey("installed_items.id"), nullable=False, index=True),
    Column("kind", EnumText(RmaKind, length=32), nullable=False),
    Column("state", EnumText(RmaState, length=16), nullable=False, index=True),
    Column("fault", Text, nullable=False),
    Column("serial_number", String(120), nullable=False),
    Column("ship_to", Text, nullable=False),
    Column("declared_value_minor", Integer),  # minor units (cents) of ``currency``
    Column("currency", String(3), nullable=False),
    Column("needs_lead", Boolean, nullable=False),
    Column("requested_by_id", ForeignKey("agents.id"), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("engineer_id", ForeignKey("agents.id")),
    Column("engineer_signed_at", UtcDateTime),
    Column("lead_id", ForeignKey("agents.id")),
    Column("lead_signed_at", UtcDateTime),
    Column("replacement_serial", String(120)),
    Column("tracking_reference", String(200)),
    Column("replacement_item_id", ForeignKey("installed_items.id")),
    Column("shipped_at", UtcDateTime),
    Column("received_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("reason", Text),
    Column("updated_at", UtcDateTime, nullable=False),
)


def map_rmas(reg: registry) -> None:
    reg.map_imperatively(Rma, rmas)


class SqlRmaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, rma: Rma) -> None:
        self.session.add(rma)

    def get(self, rma_id: int) -> Rma | None:
        return self.session.get(Rma, rma_id) if storable_id(rma_id) else None

    def for_ticket(self, ticket_id: int) -> list[Rma]:
        c = rmas.c
        return list(
            self.session.scalars(select(Rma).where(c.ticket_id == ticket_id).order_by(c.id))
        )

    def page(
        self,
        *,
        state: RmaState | None,
        organisation_id: int | None,
        ticket_id: int | None,
        limit: int,
        before_id: int | None,
    ) -> list[Rma]:
        c = rmas.c
        query = select(Rma)
        if state is not None:
            query = query.where(c.state == str(state))
        if organisation_id is not None:
            query = query.where(c.organisation_id == organisation_id)
        if ticket_id is not None:
            query = query.where(c.ticket_id == ticket_id)
        if before_id is not None:
            query = query.where(c.id < before_id)
        return list(self.session.scalars(query.order_by(c.id.desc()).limit(limit)))

    def open_for_item(self, installed_item_id: int) -> list[Rma]:
        return self._open(rmas.c.installed_item_id == installed_item_id)

    def open_for_organisation(self, organisation_id: int) -> list[Rma]:
        return self._open(rmas.c.organisation_id == organisation_id)

    def _open(self, which: ColumnElement[bool]) -> list[Rma]:
        c = rmas.c
        closed = [str(s) for s in RmaState if not s.is_open]
        query = select(Rma).where(which, c.state.not_in(closed))
        return list(self.session.scalars(query.order_by(c.id)))

    def for_item(self, installed_item_id: int) -> list[Rma]:
        c = rmas.c
        named = or_(
            c.installed_item_id == installed_item_id, c.replacement_item_id == installed_item_id
        )
        return list(self.session.scalars(select(Rma).where(named).order_by(c.id)))
