"""Reading an installed-base CSV file (issue 21 item 1): one row per installed item or
entitlement, told apart by a ``kind`` column (``item``, the default, ``support`` or
``licence``). Every row is read before anything is stored; each problem names its line (as a
spreadsheet numbers it, the header being line 1) and its column.

Columns (header names, any order, case-insensitive; unknown columns are refused so that a typo
is not silently ignored):

- every row: ``kind``, ``organisation`` (when the file is not imported for one organisation),
  ``site``, ``product`` (key or name; required for items);
- items: ``version``, ``serial_number`` (or ``serial``), ``hardware_model``, ``quantity``,
  ``status``, ``notes``;
- entitlements: ``name`` (required), ``reference``, ``seats``, ``starts_on``, ``expires_on``
  (ISO dates, ``2026-12-31``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from tierdesk.domain.installed_base import EntitlementKind, ItemStatus, normalise_serial

MAX_ROWS = 5000

ALIASES = {"serial": "serial_number", "model": "hardware_model", "type": "kind"}
COLUMNS = frozenset(
    {
        "kind",
        "organisation",
        "site",
        "product",
        "version",
        "serial_number",
        "hardware_model",
        "quantity",
        "status",
        "notes",
        "name",
        "reference",
        "seats",
        "starts_on",
        "expires_on",
    }
)
ITEM = "item"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class CsvRow:
    """One row, read and checked for its shape; names (organisation, site, product) are
    resolved against the desk by the service."""

    line: int
    kind: str  # "item" or an EntitlementKind value
    organisation: str | None
    site: str | None
    product: str | None
    version: str | None = None
    serial_number: str | None = None
    hardware_model: str | None = None
    quantity: int = 1
    status: ItemStatus = ItemStatus.ACTIVE
    notes: str | None = None
    name: str | None = None
    reference: str | None = None
    seats: int | None = None
    starts_on: date | None = None
    expires_on: date | None = None


@dataclass
class CsvReading:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_csv(text: str, *, needs_organisation: bool) -> CsvReading:
    reading = CsvReading()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        reading.errors.append(RowError(1, None, "the file is empty"))
        return reading
    except csv.Error as error:
        reading.errors.append(RowError(1, None, f"not a CSV file: {error}"))
        return reading
    columns = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    for name in columns:
        if name not in COLUMNS:
            reading.errors.append(RowError(1, name or "(blank)", "unknown column"))
    if needs_organisation and "organisation" not in columns:
        reading.errors.append(RowError(1, "organisation", "the file needs this column"))
    if reading.errors:
        return reading
    seen_serials: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(reading.rows) >= MAX_ROWS:
                reading.errors.append(RowError(line, None, f"more than {MAX_ROWS} rows"))
                break
            if len(cells) != len(columns):
                message = f"{len(cells)} cells for {len(columns)} columns"
                reading.errors.append(RowError(line, None, message))
                continue
            values = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
            row = _row(line, values, needs_organisation, reading.errors)
            if row is None:
                continue
            if row.serial_number:
                first = seen_serials.setdefault(row.serial_number, line)
                if first != line:
                    reading.errors.append(
                        RowError(line, "serial_number", f"listed already on line {first}")
                    )
                    continue
            reading.rows.append(row)
    except csv.Error as error:
        reading.errors.append(RowError(reader.line_num, None, f"not a CSV file: {error}"))
    return reading


def _row(
    line: int, values: dict[str, str], needs_organisation: bool, errors: list[RowError]
) -> CsvRow | None:
    before = len(errors)

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    def text(column: str, max_length: int = 200) -> str | None:
        value = values.get(column) or None
        if value is not None and len(value) > max_length:
            fail(column, f"longer than {max_length} characters")
        return value

    def number(column: str) -> int | None:
        value = values.get(column)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or int(value) < 1 or int(value) > 1_000_000:
            fail(column, f"{value!r} is not a whole number from 1")
            return None
        return int(value)

    def day(column: str) -> date | None:
        value = values.get(column)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            fail(column, f"{value!r} is not a date like 2026-12-31")
            return None

    kind = (values.get("kind") or ITEM).lower()
    if kind not in (ITEM, *(k.value for k in EntitlementKind)):
        fail("kind", f"{kind!r} is not item, support or licence")
        return None
    organisation = text("organisation")
    if needs_organisation and not organisation:
        fail("organisation", "required")
    product = text("product")
    if kind == ITEM and not product:
        fail("product", "required for an item")
    name = text("name")
    if kind != ITEM and not name:
        fail("name", "required for an entitlement")
    status = ItemStatus.ACTIVE
    if values.get("status"):
        try:
            status = ItemStatus(values["status"].lower())
        except ValueError:
            fail("status", f"{values['status']!r} is not active, replaced or retired")
    serial = text("serial_number", 120)
    starts_on, expires_on = day("starts_on"), day("expires_on")
    if starts_on and expires_on and expires_on < starts_on:
        fail("expires_on", "before starts_on")
    row = CsvRow(
        line=line,
        kind=kind,
        organisation=organisation,
        site=text("site"),
        product=product,
        version=text("version", 64),
        serial_number=normalise_serial(serial) if serial else None,
        hardware_model=text("hardware_model", 120),
        quantity=number("quantity") or 1,
        status=status,
        notes=text("notes", 4000),
        name=name,
        reference=text("reference", 120),
        seats=number("seats"),
        starts_on=starts_on,
        expires_on=expires_on,
    )
    return row if len(errors) == before else None
