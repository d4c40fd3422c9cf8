"""Imported records' source ids in storage (``services/imports.py``): which desk record each
source record became, and a fingerprint of what it read as, so a re-run skips, updates or adds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    Column,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from tierdesk.adapters.db.tables import metadata
from tierdesk.adapters.db.types import UtcDateTime
from tierdesk.domain.imports import RecordKind
from tierdesk.ports.imports import ImportedRecordRef

imported_records = Table(
    "imported_records",
    metadata,
    Column("system", String(40), nullable=False),  # "zendesk"
    Column("kind", String(20), nullable=False),  # organisation, contact, agent, ticket, comment
    Column("source_id", String(100), nullable=False),
    # The desk's id of what it became: an organisation, contact, agent, ticket or message (no
    # foreign key: the kind says which table).
    Column("record_id", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("system", "kind", "source_id"),
)

_r = imported_records.c

# Well under both engines' limits on bound parameters in one IN list.
_CHUNK = 500


class SqlImportRecordRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(
        self, system: str, kind: RecordKind, source_ids: Sequence[str]
    ) -> dict[str, ImportedRecordRef]:
        wanted = list(dict.fromkeys(source_ids))
        found: dict[str, ImportedRecordRef] = {}
        for start in range(0, len(wanted), _CHUNK):
            rows = self.session.execute(
                select(_r.source_id, _r.record_id, _r.fingerprint).where(
                    _r.system == system,
                    _r.kind == str(kind),
                    _r.source_id.in_(wanted[start : start + _CHUNK]),
                )
            )
            found.update({r.source_id: ImportedRecordRef(r.record_id, r.fingerprint) for r in rows})
        return found

    def put(
        self,
        system: str,
        kind: RecordKind,
        source_id: str,
        record_id: int,
        fingerprint: str,
        at: datetime,
    ) -> None:
        self.put_many(system, kind, [(source_id, record_id, fingerprint)], at)

    def put_many(
        self, system: str, kind: RecordKind, entries: Sequence[tuple[str, int, str]], at: datetime
    ) -> None:
        """One INSERT and one UPDATE, each executed for many rows, for a whole batch."""
        if not entries:
            return
        known = self.find(system, kind, [source_id for source_id, _, _ in entries])
        fresh = [
            {
                "system": system,
                "kind": str(kind),
                "source_id": source_id,
                "record_id": record_id,
                "fingerprint": fingerprint,
                "imported_at": at,
                "updated_at": at,
            }
            for source_id, record_id, fingerprint in entries
            if source_id not in known
        ]
        again = [
            {"b_source_id": source_id, "b_record_id": record_id, "b_fingerprint": fingerprint}
            for source_id, record_id, fingerprint in entries
            if source_id in known
        ]
        if fresh:
            self.session.execute(insert(imported_records), fresh)
        if again:
            self.session.execute(
                update(imported_records)
                .where(
                    _r.system == system,
                    _r.kind == str(kind),
                    _r.source_id == bindparam("b_source_id"),
                )
                .values(
                    record_id=bindparam("b_record_id"),
                    fingerprint=bindparam("b_fingerprint"),
                    updated_at=at,
                ),
                again,
            )
