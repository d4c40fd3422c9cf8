"""Upgrade advisories in storage (issue 21 item 3): the advisory and the organisations it
reached, each with its state."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
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
from tierdesk.adapters.db.types import EnumText, UtcDateTime, storable_id
from tierdesk.domain.advisories import (
    Advisory,
    AdvisoryOrganisation,
    AdvisoryReason,
    NoticeState,
)

advisories = Table(
    "advisories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False, index=True),
    Column("version", String(64), nullable=False),
    Column("reason", EnumText(AdvisoryReason, length=16), nullable=False),
    Column("known_issue_id", ForeignKey("known_issues.id"), index=True),
    Column("defect_id", ForeignKey("defects.id"), index=True),
    Column("end_of_support", Date),
    Column("target_version", String(64)),
    Column("message", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)

advisory_organisations = Table(
    "advisory_organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("advisory_id", ForeignKey("advisories.id"), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("items", Integer, nullable=False),
    Column("contacts_notified", Integer, nullable=False),
    Column("language", String(16), nullable=False),
    Column("state", EnumText(NoticeState, length=16), nullable=False),
    Column("notified_at", UtcDateTime, nullable=False),
    Column("acknowledged_at", UtcDateTime),
    Column("acknowledged_by", String(200)),
    Column("upgraded_at", UtcDateTime),
    Column("upgraded_by", String(200)),
    UniqueConstraint("advisory_id", "organisation_id", name="uq_advisory_organisations"),
)


def map_advisories(reg: registry) -> None:
    reg.map_imperatively(Advisory, advisories)
    reg.map_imperatively(AdvisoryOrganisation, advisory_organisations)


class SqlAdvisoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, advisory: Advisory) -> None:
        self.session.add(advisory)

    def get(self, advisory_id: int) -> Advisory | None:
        return self.session.get(Advisory, advisory_id) if storable_id(advisory_id) else None

    def page(
        self, offset: int, limit: int, organisation_id: int | None = None
    ) -> tuple[list[Advisory], int]:
        """Newest first; with ``organisation_id``, only the advisories that reached it."""
        c = advisories.c
        query = select(Advisory)
        count = select(func.count()).select_from(advisories)
        if organisation_id is not None:
            reached = select(advisory_organisations.c.advisory_id).where(
                advisory_organisations.c.organisation_id == organisation_id
            )
            query = query.where(c.id.in_(reached))
            count = count.where(c.id.in_(reached))
        rows = self.session.scalars(query.order_by(c.id.desc()).offset(offset).limit(limit))
        return list(rows), int(self.session.scalar(count) or 0)

    def for_record(
        self, *, known_issue_id: int | None = None, defect_id: int | None = None
    ) -> list[Advisory]:
        c = advisories.c
        query = select(Advisory)
        if known_issue_id is not None:
            query = query.where(c.known_issue_id == known_issue_id)
        if defect_id is not None:
            query = query.where(c.defect_id == defect_id)
        return list(self.session.scalars(query.order_by(c.id)))

    def add_organisation(self, row: AdvisoryOrganisation) -> None:
        self.session.add(row)

    def organisations(self, advisory_id: int) -> list[AdvisoryOrganisation]:
        c = advisory_organisations.c
        query = select(AdvisoryOrganisation).where(c.advisory_id == advisory_id)
        return list(self.session.scalars(query.order_by(c.id)))

    def organisation(self, advisory_id: int, organisation_id: int) -> AdvisoryOrganisation | None:
        c = advisory_organisations.c
        query = select(AdvisoryOrganisation).where(
            c.advisory_id == advisory_id, c.organisation_id == organisation_id
        )
        return self.session.scalars(query).first()

    def open_advisory_ids(self) -> list[int]:
        """Advisories some organisation has not upgraded from yet."""
        c = advisory_organisations.c
        query = (
            select(c.advisory_id)
            .where(c.state != str(NoticeState.UPGRADED))
            .distinct()
            .order_by(c.advisory_id)
        )
        return list(self.session.scalars(query))
