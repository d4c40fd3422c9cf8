"""The other direction of ``export_rows.py``: an export's line back into the desk's row, every
value checked against its column first (a bad line is refused with the field and the reason,
before any of its batch is stored)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Date, Integer, String

from tierdesk.adapters.db.export_rows import DERIVED, ExportFile
from tierdesk.adapters.db.types import EnumText, JsonValue, TierNumber, UtcDateTime
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.names import name_key
from tierdesk.domain.people import Tier
from tierdesk.errors import InvalidInputError


def to_row(file: ExportFile, document: dict[str, Any]) -> dict[str, Any]:
    """The row ``document`` stands for, or ``InvalidInputError`` naming what is wrong."""
    allowed = set(file.fields()) | set(file.local)
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise InvalidInputError(f"unknown field {unknown[0]!r}", field=unknown[0])
    row: dict[str, Any] = {}
    for name in file.fields():
        column = file.table.c[name]
        if name not in document:
            if column.primary_key or not _may_be_left_out(column):
                raise InvalidInputError(f"missing field {name!r}", field=name)
            continue
        row[name] = _value(column, document[name])
    for name in file.local:
        if name in document:
            row[name] = _value(file.table.c[name], document[name])
    if file.table.c.get("kind") is not None and file.name in ("messages", "notes"):
        is_note = row["kind"] is MessageKind.INTERNAL_NOTE
        if is_note != (file.name == "notes"):
            raise InvalidInputError(
                "internal notes belong in notes.ndjson, other messages in messages.ndjson",
                field="kind",
            )
    for name in DERIVED & set(file.table.c.keys()):
        row[name] = name_key(row["name"])
    return row


def _may_be_left_out(column: Column[Any]) -> bool:
    return bool(column.nullable) or column.default is not None or column.server_default is not None


def _value(column: Column[Any], value: Any) -> Any:
    name = column.name
    if value is None:
        if not column.nullable:
            raise InvalidInputError(f"{name!r} cannot be null", field=name)
        return None
    kind = column.type
    try:
        if isinstance(kind, UtcDateTime):
            moment = datetime.fromisoformat(_text(value))
            if moment.tzinfo is None:
                raise ValueError("a time needs its UTC offset")
            return moment
        if isinstance(kind, Date):
            return date.fromisoformat(_text(value))
        if isinstance(kind, TierNumber):
            return Tier(_integer(value))
        if isinstance(kind, JsonValue):
            if not isinstance(value, dict):
                raise ValueError("expected a JSON object")
            return kind.value_class.from_dict(value)
        if isinstance(kind, EnumText):
            return kind.enum_class(_text(value))
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise ValueError("expected true or false")
            return value
        if isinstance(kind, Integer):
            return _integer(value)
        if isinstance(kind, String):
            text = _text(value)
            if kind.length is not None and len(text) > kind.length:
                raise ValueError(f"longer than {kind.length} characters")
            return text
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInputError(f"{name!r}: {exc!r}", field=name) from exc
    return value  # JSON: kept as it is


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, not {type(value).__name__}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, not {type(value).__name__}")
    if not -(2**31) <= value < 2**31:
        raise ValueError("out of range")
    return value
