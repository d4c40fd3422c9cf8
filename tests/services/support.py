"""Helpers for service tests: what is stored (to prove a refusal stored nothing), a product."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any

from sqlalchemy import select

from tierdesk.adapters.db.schema import metadata
from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.catalog import Product
from tierdesk.services import catalog
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

State = dict[str, Any]


def stored_state(app: Tierdesk) -> State:
    """Every row of every table, in primary-key order, and every attachment file on disk."""
    state: State = {}
    with app.engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns))
            state[table.name] = [tuple(row) for row in rows]
    root = app.settings.attachments_dir
    state["files"] = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    return state


def make_product(desk: Desk, *, name: str = "Kestrel PBX") -> Product:
    return catalog.create_product(
        desk,
        SYSTEM,
        catalog.NewProduct(
            name=name,
            components=["SIP Trunk", "Voicemail"],
            versions=[("4.1", date(2025, 6, 1)), ("4.2", None)],
        ),
    )


Unchanged = Callable[[], AbstractContextManager[None]]


def tiny_png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@contextmanager
def case(name: str) -> Iterator[None]:
    """Name one case of a loop inside a test, so a failure says which case it was. (Cases share
    one database: a fresh database per case would cost more than the case itself.)"""
    try:
        yield
    except BaseException as failure:  # pytest's Failed is a BaseException
        failure.add_note(f"in case: {name}")
        raise
