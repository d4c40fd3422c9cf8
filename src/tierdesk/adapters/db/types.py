"""Column types that behave the same on SQLite and PostgreSQL, and the expressions over columns
that every noun's storage shares (ids in range, JSON arrays, name keys)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol, Self, TypeVar

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Integer,
    String,
    event,
    exists,
    false,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from tierdesk.domain.names import name_key
from tierdesk.domain.people import Tier


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware.

    SQLite keeps no time zone, so without this a value would come back naive there and aware on
    PostgreSQL; comparing the two raises. Naive input is refused rather than guessed at."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the desk stores aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E]):
    """A ``StrEnum`` stored as its text value (a plain VARCHAR: migrations see ``String``)."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[E], length: int = 32) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else str(self.enum_class(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_class(value)


class TierNumber(TypeDecorator[Tier]):
    """A support level stored as its number (0-4)."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Tier | int | None, dialect: Dialect) -> int | None:
        return None if value is None else int(Tier(value))

    def process_result_value(self, value: int | None, dialect: Dialect) -> Tier | None:
        return None if value is None else Tier(value)


# Ids are INTEGER columns (32 bits on PostgreSQL). A number outside that range names no row, but
# binding it raises on both engines (an overflow on SQLite, "integer out of range" on PostgreSQL),
# so lookups answer "not found" without asking the database.
ID_RANGE = range(-(2**31), 2**31)


def storable_id(value: int) -> bool:
    return value in ID_RANGE


def id_equals(column: ColumnElement[int | None], value: int) -> ColumnElement[bool]:
    return column == value if storable_id(value) else false()


def json_array_contains(
    column: ColumnElement[object], value: str | int | ColumnElement[Any], dialect: str
) -> ColumnElement[bool]:
    """``value in column`` for a JSON array column, on either engine."""
    if dialect == "postgresql":
        return column.op("@>")(func.jsonb_build_array(value))
    each = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == value))


def keep_name_key(mapped: type[Any]) -> None:
    """Keep the ``name_key`` column of a mapped class with a ``name`` in step with the name on
    every write, whoever changed the name: the comparison key is storage's business (a unique
    index), not the domain's."""
    event.listen(mapped, "before_insert", _keep_name_key)
    event.listen(mapped, "before_update", _keep_name_key)


def _keep_name_key(_mapper: Any, _connection: Any, target: Any) -> None:
    setattr(target, "name_key", name_key(target.name))  # noqa: B010 - not a domain attribute


class StoredAsJson(Protocol):
    """A domain value that says how it is written down as a JSON object and read back."""

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self: ...


V = TypeVar("V", bound=StoredAsJson)


class JsonValue(TypeDecorator[V]):
    """A domain value in a JSON column (JSONB on PostgreSQL). The value is replaced, never
    edited in place, so there is nothing to track: that is what makes it a value."""

    impl = JSON
    cache_ok = True

    def __init__(self, value_class: type[V]) -> None:
        super().__init__()
        self.value_class = value_class

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: V | None, dialect: Dialect) -> dict[str, Any] | None:
        return None if value is None else value.to_dict()

    def process_result_value(self, value: dict[str, Any] | None, dialect: Dialect) -> V | None:
        return None if value is None else self.value_class.from_dict(value)
