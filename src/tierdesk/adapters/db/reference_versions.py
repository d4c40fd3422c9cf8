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

from collections.abc import Mapping

from sqlalchemy import Column, Integer, String, Table, inspect, select
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata

reference_versions = Table(
    "reference_versions",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("version", Integer, nullable=False),
)

_AHEAD = "tierdesk.reference_versions_ahead"  # session info: (its transaction, versions)


class SqlReferenceVersions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self) -> dict[str, int]:
        ahead = self.session.info.get(_AHEAD)
        if ahead is not None and ahead[0] == self.session.get_transaction():
            return dict(ahead[1])
        rows = self.session.execute(select(reference_versions.c.name, reference_versions.c.version))
        return {name: int(version) for name, version in rows}

    def read_ahead(self) -> None:
        versions = self.current()  # begins the session's transaction if none is open yet
        self.session.info[_AHEAD] = (self.session.get_transaction(), versions)

    def committed(self, versions: Mapping[str, int]) -> bool:
        # Read on a connection of its own, outside this transaction. Another transaction that
        # commits a change meanwhile also makes them differ: nothing is kept then, and the next
        # request loads again.
        engine = self.session.get_bind().engine
        if engine.url.get_backend_name() == "sqlite" and engine.url.database in (
            None,
            "",
            ":memory:",
        ):
            return True  # a database per connection: no other connection would see this one's
        with engine.connect() as outside:
            rows = outside.execute(select(reference_versions.c.name, reference_versions.c.version))
            return {name: int(version) for name, version in rows} == dict(versions)

    def keep(self, loaded: object) -> None:
        items = loaded if isinstance(loaded, list) else [loaded]
        for item in items:
            state = inspect(item, raiseerr=False)
            if state is not None and state.session is self.session:
                self.session.expunge(item)  # with its components and versions (cascade "all")
