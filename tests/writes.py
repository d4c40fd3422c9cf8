"""Which transactions of an engine have written, for tests that check slow work (embedding,
predicting) happens before a transaction's first write: on SQLite a transaction holds the one
writer from its first write to its end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

_WRITES = ("INSERT", "UPDATE", "DELETE")


class Writes:
    def __init__(self) -> None:
        self._open: set[int] = set()  # connections whose transaction has written

    @property
    def in_progress(self) -> bool:
        """Whether any transaction has written and not yet ended."""
        return bool(self._open)

    def statement(self, conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        if sql.lstrip()[:6].upper() in _WRITES:
            self._open.add(id(conn))

    def ended(self, conn: Any) -> None:
        self._open.discard(id(conn))


@contextmanager
def watching_writes(engine: Engine) -> Iterator[Writes]:
    writes = Writes()
    listeners = [
        ("before_cursor_execute", writes.statement),
        ("commit", writes.ended),
        ("rollback", writes.ended),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield writes
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """Every statement the engine sends meanwhile, each on one line."""
    sent: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)
