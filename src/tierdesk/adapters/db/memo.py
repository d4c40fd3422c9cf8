"""Reads a repository may remember for one transaction (the routing and SLA configuration):
read once per unit of work, never across two, so a change committed by one request applies to
the very next one."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session, SessionTransaction

_T = TypeVar("_T")


class TransactionMemo:
    """Reads remembered until the session's transaction ends (commit or rollback start a new
    one, which finds the memo empty) or until :meth:`forget` after a write."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._transaction: SessionTransaction | None = None
        self._values: dict[Hashable, Any] = {}

    def get(self, key: Hashable, read: Callable[[], _T]) -> _T:
        if self._session.get_transaction() is not self._transaction:
            self._values.clear()
        if key not in self._values:
            value = read()  # begins the transaction if none is open yet
            self._transaction = self._session.get_transaction()
            self._values[key] = value
        found: _T = self._values[key]
        return found

    def forget(self) -> None:
        self._values.clear()

    @classmethod
    def shared(cls, session: Session, name: str) -> TransactionMemo:
        """The session's one memo called ``name``, for repositories whose reads go stale on each
        other's writes (queues and the routing rules that name them): a write through either
        forgets what both remember."""
        memos: dict[str, TransactionMemo] = session.info.setdefault("tierdesk.memos", {})
        if name not in memos:
            memos[name] = cls(session)
        return memos[name]


def transaction_slot(session: Session, name: str, make: Callable[[], _T]) -> _T:
    """The session's value called ``name`` for its current transaction and savepoint: a fresh
    one from ``make`` once either has ended (a rollback to a savepoint undoes what it held)."""
    now = (session.get_transaction(), session.get_nested_transaction())
    held = session.info.get(name)
    if held is None or held[0] != now:
        held = session.info[name] = (now, make())
    value: _T = held[1]
    return value
