"""The catalogue, the levels, the queues, the support plans and the routing rules, kept in
memory by each process.

Most requests read them (every ticket shown names its product) and almost none change them. A
process keeps the lists it loaded with the version the database gave them (``ports.
ReferenceVersions``: triggers raise it on every change), and per request reads only the
versions, one small query: a change made by another process or a script is seen on the next
request, never served stale.

A use case that reads several kinds at once (routing a new ticket reads its rules, queues,
levels and plans) reads the versions once and passes them (``versions=``): one small query for
all of them, in the transaction that uses them.

The lists are shared by the process's request threads: callers only read them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from tierdesk.domain.catalog import Product
from tierdesk.domain.levels import Level
from tierdesk.domain.people import SupportPlan
from tierdesk.domain.routing import Queue, RoutingRule
from tierdesk.ports import UnitOfWork

T = TypeVar("T")


@dataclass
class ReferenceCache:
    """What one process holds: per kind, the version it was loaded at and the list."""

    _held: dict[str, tuple[tuple[int, ...], Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(
        self,
        uow: UnitOfWork,
        kind: str | tuple[str, ...],
        load: Callable[[], T],
        *,
        versions: Mapping[str, int] | None = None,
    ) -> T:
        """The kind's list, loaded in ``uow`` only when the database holds a newer version (of
        any of the kinds, for a list read from several kinds' tables). ``versions``: read
        already in this transaction (``uow.reference_versions.current()``)."""
        kinds = (kind,) if isinstance(kind, str) else kind
        current = uow.reference_versions.current() if versions is None else versions
        found = tuple(current.get(k, -1) for k in kinds)
        kept = all(k in current for k in kinds)  # a database without the versions: never kept
        slot = "+".join(kinds)
        held = self._held.get(slot)
        if kept and held is not None and held[0] == found:
            return cast(T, held[1])
        loaded = load()
        # Not what a transaction read of its own change: rolled back, its version comes round
        # again for another change. What is kept is set apart from the session that read it,
        # whose rollback would expire it under every other request (tests/services/
        # test_reference_cache_rollback.py).
        if kept and uow.reference_versions.committed(current):
            uow.reference_versions.keep(loaded)
            with self._lock:
                self._held[slot] = (found, loaded)
        return loaded


Versions = Mapping[str, int] | None


def products(cache: ReferenceCache, uow: UnitOfWork, versions: Versions = None) -> list[Product]:
    return cache.get(uow, "catalog", uow.products.all, versions=versions)


def products_by_id(cache: ReferenceCache, uow: UnitOfWork) -> dict[int, Product]:
    """The catalogue by product id (what names a ticket's product)."""
    return {p.id: p for p in products(cache, uow) if p.id is not None}


def levels(cache: ReferenceCache, uow: UnitOfWork, versions: Versions = None) -> list[Level]:
    return cache.get(uow, "levels", uow.levels.all, versions=versions)


def queues(cache: ReferenceCache, uow: UnitOfWork, versions: Versions = None) -> list[Queue]:
    return cache.get(uow, "queues", uow.queues.all, versions=versions)


def plans(cache: ReferenceCache, uow: UnitOfWork, versions: Versions = None) -> list[SupportPlan]:
    return cache.get(uow, "plans", uow.organisations.plans, versions=versions)


def routing_rules(
    cache: ReferenceCache, uow: UnitOfWork, versions: Versions = None
) -> list[RoutingRule]:
    """In their order; a rule names its queue by key, read from the queues' table."""
    return cache.get(uow, ("routing", "queues"), uow.routing.rules, versions=versions)
