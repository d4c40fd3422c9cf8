"""The desk's records as the export's files hold them (``ports/exports.py``): read in id order
for ``tierdesk export``, written back under their own ids by ``tierdesk import tierdesk``.

Rows are written with Core statements, not through the mapped domain classes: an import
restores what happened (its events, times and numbers) and must raise no new event of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, select, text, tuple_, update
from sqlalchemy.orm import Session

from tierdesk.adapters.db.export_rows import BY_NAME, FILES, ExportFile, to_document
from tierdesk.adapters.db.import_rows import to_row
from tierdesk.errors import InvalidInputError
from tierdesk.ports.exports import Document, Key

_CHUNK = 500  # ids in one IN list


def _file(name: str) -> ExportFile:
    try:
        return BY_NAME[name]
    except KeyError:
        raise InvalidInputError(f"no export file {name!r}", field="file") from None


class SqlDeskRows:
    def __init__(self, session: Session) -> None:
        self.session = session

    def snapshot(self) -> None:
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            self.session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        elif dialect == "sqlite":
            # pysqlite starts no transaction for reads: each SELECT would see the desk as it
            # is then. An explicit BEGIN holds one snapshot (WAL) until the session ends.
            self.session.connection().exec_driver_sql("BEGIN")

    def files(self) -> tuple[str, ...]:
        return tuple(f.name for f in FILES)

    def count(self, file: str) -> int:
        spec = _file(file)
        query = select(func.count()).select_from(spec.table)
        if spec.where is not None:
            query = query.where(spec.where)
        return int(self.session.execute(query).scalar_one())

    def read(self, file: str, after: Key | None, limit: int) -> list[Document]:
        spec = _file(file)
        table = spec.table
        columns = [*spec.fields(), *sorted(spec.local)]
        keys = [table.c[name] for name in spec.key]
        query = select(*(table.c[name] for name in columns))
        if after is not None:  # keyset paging; a composite key compares as a row value
            query = query.where(
                keys[0] > after[0] if len(keys) == 1 else tuple_(*keys) > tuple_(*after)
            )
        if spec.where is not None:
            query = query.where(spec.where)
        rows = self.session.execute(query.order_by(*keys).limit(limit))
        return [to_document(spec, row) for row in rows]

    def key_fields(self, file: str) -> tuple[str, ...]:
        return _file(file).key

    def local_fields(self, file: str) -> tuple[str, ...]:
        return tuple(sorted(_file(file).local))

    def deferred_fields(self, file: str) -> tuple[str, ...]:
        return tuple(sorted(_file(file).deferred))

    def check(self, file: str, document: Document) -> None:
        to_row(_file(file), document)

    def existing(self, file: str, keys: Sequence[Key]) -> set[Key]:
        spec = _file(file)
        columns = [spec.table.c[name] for name in spec.key]
        found: set[Key] = set()
        wanted = list(dict.fromkeys(tuple(key) for key in keys))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            if len(columns) == 1:
                where = columns[0].in_([key[0] for key in chunk])
            else:
                where = tuple_(*columns).in_(chunk)
            found.update(tuple(row) for row in self.session.execute(select(*columns).where(where)))
        return found

    def write(self, file: str, documents: Sequence[Document]) -> None:
        spec = _file(file)
        table = spec.table
        rows = [to_row(spec, document) for document in documents]
        for row in rows:  # stored by ``link`` once the whole file is in
            row.update(dict.fromkeys(spec.deferred))
        keyed = [(_key_of(spec.key, row), row) for row in rows]
        there = self.existing(file, [key for key, _ in keyed])
        new = [row for key, row in keyed if key not in there]
        if new:
            self.session.execute(insert(table), new)
        for key, row in keyed:
            if key in there:
                self.session.execute(update(table).where(_matches(spec, key)).values(row))
        if new and spec.key == ("id",) and self.session.get_bind().dialect.name == "postgresql":
            # Rows stored under their own ids leave the id sequence behind: the desk's next
            # record would collide with an imported one.
            highest = select(func.coalesce(func.max(table.c.id), 1)).scalar_subquery()
            self.session.execute(
                select(func.setval(func.pg_get_serial_sequence(table.name, "id"), highest))
            )

    def link(self, file: str, documents: Sequence[Document]) -> None:
        spec = _file(file)
        for document in documents:
            row = to_row(spec, document)
            values = {name: row[name] for name in spec.deferred}
            where = _matches(spec, _key_of(spec.key, row))
            self.session.execute(update(spec.table).where(where).values(values))


def _key_of(names: tuple[str, ...], row: dict[str, Any]) -> Key:
    return tuple(int(row[name]) for name in names)


def _matches(spec: ExportFile, key: Key) -> ColumnElement[bool]:
    return and_(*(spec.table.c[name] == value for name, value in zip(spec.key, key, strict=True)))
