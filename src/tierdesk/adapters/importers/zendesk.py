"""Zendesk's full JSON export, as its Admin Center produces it: a directory with
``organizations.json``, ``users.json`` and ``tickets.json`` (each ticket with its
``comments``), one JSON object per line. ``domain/zendesk.py`` maps each object."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tierdesk.adapters.importers.ndjson import count_lines, read_lines
from tierdesk.domain import zendesk
from tierdesk.domain.imports import ImportedRecord, RecordKind, SourceRow
from tierdesk.errors import InvalidInputError, NotFoundError

FILES = {
    RecordKind.ORGANISATION: "organizations.json",
    RecordKind.CONTACT: "users.json",  # agents too: the role decides
    RecordKind.TICKET: "tickets.json",
}
_MAPPERS: dict[RecordKind, Callable[[dict[str, Any]], ImportedRecord]] = {
    RecordKind.ORGANISATION: zendesk.organisation,
    RecordKind.CONTACT: zendesk.person,
    RecordKind.TICKET: zendesk.ticket,
}


class ZendeskExport:
    system = zendesk.SYSTEM

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise NotFoundError(f"{directory}: no such directory")
        missing = [name for name in FILES.values() if not (directory / name).is_file()]
        if missing:
            raise NotFoundError(
                f"{directory} is not a Zendesk export: {', '.join(missing)} missing"
            )
        self.directory = directory

    def count(self, kind: RecordKind) -> int:
        return count_lines(self.directory / FILES[kind])

    def rows(self, kind: RecordKind) -> Iterator[SourceRow]:
        mapper = _MAPPERS[kind]
        for line in read_lines(self.directory / FILES[kind]):
            if line.value is None:
                yield SourceRow(kind, line.where, None, problem=line.problem)
                continue
            for value in _unwrapped(line.value, kind):
                yield self._row(kind, mapper, line.where, value)

    def _row(
        self,
        kind: RecordKind,
        mapper: Callable[[dict[str, Any]], ImportedRecord],
        where: str,
        value: dict[str, Any],
    ) -> SourceRow:
        raw_id = value.get("id")
        source_id = str(raw_id) if raw_id is not None else None
        if kind is RecordKind.TICKET and zendesk.is_deleted_ticket(value):
            return SourceRow(kind, where, source_id, skip="deleted in Zendesk")
        try:
            record = mapper(value)
        except InvalidInputError as exc:
            return SourceRow(kind, where, source_id, problem=exc.message)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            # A shape the documentation does not describe: this row is reported, not the run.
            return SourceRow(kind, where, source_id, problem=f"unreadable: {exc!r}")
        return SourceRow(kind, where, source_id, record=record)


# What wraps the objects when an export was pieced together from Zendesk's API rather than
# the Admin Center: a page per line ({"tickets": [...], "next_page": ...}) or one object
# under its singular name ({"ticket": {...}}).
_NAMES = {
    RecordKind.ORGANISATION: ("organization", "organizations"),
    RecordKind.CONTACT: ("user", "users"),
    RecordKind.TICKET: ("ticket", "tickets"),
}


def _unwrapped(value: dict[str, Any], kind: RecordKind) -> list[dict[str, Any]]:
    if "id" in value:
        return [value]
    one, many = _NAMES[kind]
    if isinstance(value.get(many), list):
        return [item for item in value[many] if isinstance(item, dict)]
    if isinstance(value.get(one), dict):
        return [value[one]]
    return [value]
