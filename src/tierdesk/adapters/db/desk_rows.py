"""The desk's records as the export's files hold them (``ports/exports.py``): read in id order
for ``tierdesk export``, written back under their own ids by ``tierdesk import tierdesk``.

Rows are written with Core statements, not through the mapped domain classes: an import
restores what happened (its events, times and numbers) and must raise no new event of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from tierdesk.adapters.db.export_rows import BY_NAME, FILES, ExportFile, to_document
from tierdesk.adapters.db.import_rows import to_row
from tierdesk.errors import InvalidInputError
from tierdesk.ports.exports import Document

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

    def read(self, file: str, after_id: int, limit: int) -> list[Document]:
        spec = _file(file)
        table = spec.table
        columns = [*spec.fields(), *sorted(spec.local)]
        query = select(*(table.c[name] for name in columns)).where(table.c.id > after_id)
        if spec.where is not None:
            query = query.where(spec.where)
        rows = self.session.execute(query.order_by(table.c.id).limit(limit))
        return [to_document(spec, row) for row in rows]

    def local_fields(self, file: str) -> tuple[str, ...]:
        return tuple(sorted(_file(file).local))

    def check(self, file: str, document: Document) -> None:
        to_row(_file(file), document)

    def existing(self, file: str, ids: Sequence[int]) -> set[int]:
        table = _file(file).table
        found: set[int] = set()
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found.update(
                self.session.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars()
            )
        return found

    def write(self, file: str, documents: Sequence[Document]) -> None:
        spec = _file(file)
        table = spec.table
        rows = [to_row(spec, document) for document in documents]
        there = self.existing(file, [row["id"] for row in rows])
        new = [row for row in rows if row["id"] not in there]
        if new:
            self.session.execute(insert(table), new)
        for row in rows:
            if row["id"] in there:
                self.session.execute(update(table).where(table.c.id == row["id"]).values(row))
        if new and self.session.get_bind().dialect.name == "postgresql":
            # Rows stored under their own ids leave the id sequence behind: the desk's next
            # record would collide with an imported one.
            highest = select(func.coalesce(func.max(table.c.id), 1)).scalar_subquery()
            self.session.execute(
                select(func.setval(func.pg_get_serial_sequence(table.name, "id"), highest))
            )
