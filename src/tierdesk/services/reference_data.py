"""The catalogue, the levels and the queues, kept in memory by each process.

Most requests read them (every ticket shown names its product) and almost none change them. A
process keeps the lists it loaded with the version the database gave them (``ports.
ReferenceVersions``: triggers raise it on every change), and per request reads only the
versions, one small query: a change made by another process or a script is seen on the next
request, never served stale.

The lists are shared by the process's request threads: callers only read them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from tierdesk.domain.catalog import Product
from tierdesk.domain.levels import Level
from tierdesk.domain.routing import Queue
from tierdesk.ports import UnitOfWork

T = TypeVar("T")


@dataclass
class ReferenceCache:
    """What one process holds: per kind, the version it was loaded at and the list."""

    _held: dict[str, tuple[int, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, uow: UnitOfWork, kind: str, load: Callable[[], T]) -> T:
        """The kind's list, loaded in ``uow`` only when the database holds a newer version."""
        version = uow.reference_versions.current().get(kind)
        held = self._held.get(kind)
        if version is not None and held is not None and held[0] == version:
            return cast(T, held[1])
        loaded = load()
        if version is not None:  # a database without the versions: never kept
            with self._lock:
                self._held[kind] = (version, loaded)
        return loaded


def products(cache: ReferenceCache, uow: UnitOfWork) -> list[Product]:
    return cache.get(uow, "catalog", uow.products.all)


def levels(cache: ReferenceCache, uow: UnitOfWork) -> list[Level]:
    return cache.get(uow, "levels", uow.levels.all)


def queues(cache: ReferenceCache, uow: UnitOfWork) -> list[Queue]:
    return cache.get(uow, "queues", uow.queues.all)
