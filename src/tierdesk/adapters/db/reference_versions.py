"""A version number per kind of reference data (the catalogue, the levels, the queues; since
0039 also the routing rules, the support plans and the SLA configuration), raised by database
triggers on every insert, update and delete of their tables (migrations 0027 and 0039).

Each process keeps these lists in memory (``services/reference_data.py``) and reads only the
numbers per request: a change made by any process, a script or a migration raises the number
in the same transaction, so no process serves a list another one has changed.

SQLite drops a table's triggers when Alembic's batch mode rebuilds the table: a migration that
rebuilds one of the watched tables (products, components, versions, levels, queues,
routing_rules, support_plans, sla_policies, level_targets, business_calendars) must create its
triggers again, as 0027 and 0039 do."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata

reference_versions = Table(
    "reference_versions",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("version", Integer, nullable=False),
)


class SqlReferenceVersions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self) -> dict[str, int]:
        rows = self.session.execute(select(reference_versions.c.name, reference_versions.c.version))
        return {name: int(version) for name, version in rows}
