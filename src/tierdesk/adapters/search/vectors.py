"""Exact dense search for SQLite: every passage vector of one model in an in-memory numpy matrix.

Where the vectors live, and why (docs/design.md, "Search index"): the vectors are rows of
``search_passages`` in the database itself, written in the same transaction as the ticket
change that caused them, so a crash or a rollback can never leave a vector file that disagrees
with the database, and several processes (web server, worker, CLI) share one truth. Each
process keeps a matrix cache of those rows and refreshes it before a search when the table
changed: new rows (ids above the highest cached id) are appended; when rows were deleted (the
count no longer adds up) the cache drops ids that are gone. The check costs one
``max(id), count(*)`` query. The cache is read on a connection of its own, so it only ever
holds committed vectors.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine, func, select

from tierdesk.adapters.db.tables_search import search_passages as _p


@dataclass
class _Matrix:
    dim: int
    ids: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    documents: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    vectors: NDArray[np.float32] = field(default_factory=lambda: np.empty((0, 0), np.float32))

    def __post_init__(self) -> None:
        self.vectors = np.empty((0, self.dim), np.float32)

    size: int = 0  # rows in use; the arrays grow by doubling so appends stay cheap
    max_id: int = 0

    def append(self, ids: list[int], docs: list[int], rows: list[bytes]) -> None:
        if not ids:
            return
        needed = self.size + len(ids)
        if needed > len(self.ids):
            # a quarter of headroom: the next new tickets append without copying the matrix
            capacity = max(needed + needed // 4, 1024)
            self.ids = _grow(self.ids, capacity)
            self.documents = _grow(self.documents, capacity)
            grown = np.zeros((capacity, self.dim), np.float32)
            grown[: self.size] = self.vectors[: self.size]
            self.vectors = grown
        end = self.size + len(ids)
        self.ids[self.size : end] = ids
        self.documents[self.size : end] = docs
        self.vectors[self.size : end] = np.frombuffer(b"".join(rows), np.float32).reshape(
            len(ids), self.dim
        )
        self.size = end
        self.max_id = max(self.max_id, max(ids))

    def keep_only(self, alive: NDArray[np.int64]) -> None:
        mask = np.isin(self.ids[: self.size], alive)
        kept = int(mask.sum())
        self.ids[:kept] = self.ids[: self.size][mask]
        self.documents[:kept] = self.documents[: self.size][mask]
        self.vectors[:kept] = self.vectors[: self.size][mask]
        self.size = kept


def _grow(array: NDArray[np.int64], capacity: int) -> NDArray[np.int64]:
    grown = np.zeros(capacity, np.int64)
    grown[: len(array)] = array
    return grown


class VectorMatrix:
    """The cached passages of one engine, per embedding model."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._by_model: dict[str, _Matrix] = {}

    def search(
        self, model: str, queries: NDArray[np.float32], limit: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float32], NDArray[np.int64]]:
        """The ``limit`` best documents for one or more query vectors (rows of ``queries``):
        (document ids, score, best passage id), best first. A document's score is, averaged
        over the query vectors, the cosine of its best passage (max-sim)."""
        with self._lock:
            matrix = self._refreshed(model, queries.shape[1])
            if matrix.size == 0:
                return np.empty(0, np.int64), np.empty(0, np.float32), np.empty(0, np.int64)
            scores = matrix.vectors[: matrix.size] @ queries.T  # passages x queries
            documents = matrix.documents[: matrix.size]
            passage_ids = matrix.ids[: matrix.size]
        take = min(matrix.size, limit * 4)
        top = np.unique(np.argpartition(-scores, take - 1, axis=0)[:take].ravel())
        candidates = np.unique(documents[top])
        rows = np.flatnonzero(np.isin(documents, candidates))
        order = rows[np.argsort(documents[rows], kind="stable")]
        grouped = documents[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        best = np.maximum.reduceat(scores[order], starts, axis=0)  # documents x queries
        combined = best.mean(axis=1)
        first = scores[order, 0]
        best_passage = passage_ids[order][
            starts
            + np.array(
                [
                    np.argmax(first[s:e])
                    for s, e in zip(starts, [*starts[1:], len(order)], strict=True)
                ],
                np.int64,
            )
        ]
        ranked = np.argsort(-combined, kind="stable")[:limit]
        return grouped[starts][ranked], combined[ranked].astype(np.float32), best_passage[ranked]

    def _refreshed(self, model: str, dim: int) -> _Matrix:
        matrix = self._by_model.get(model)
        if matrix is None or matrix.dim != dim:
            matrix = self._by_model[model] = _Matrix(dim)
        with self._engine.connect() as connection:
            top, count = connection.execute(
                select(func.coalesce(func.max(_p.c.id), 0), func.count()).where(_p.c.model == model)
            ).one()
            if top > matrix.max_id:
                rows = connection.execute(
                    select(_p.c.id, _p.c.document_id, _p.c.embedding)
                    .where(_p.c.model == model, _p.c.id > matrix.max_id, _p.c.dim == dim)
                    .order_by(_p.c.id)
                ).all()
                matrix.append([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
            if count != matrix.size:  # rows were deleted since the cache last looked
                alive = connection.execute(select(_p.c.id).where(_p.c.model == model)).scalars()
                matrix.keep_only(np.fromiter(alive, np.int64))
        return matrix


_MATRICES: weakref.WeakKeyDictionary[Engine, VectorMatrix] = weakref.WeakKeyDictionary()
_MATRICES_LOCK = threading.Lock()


def matrix_for(engine: Engine) -> VectorMatrix:
    with _MATRICES_LOCK:
        found = _MATRICES.get(engine)
        if found is None:
            found = _MATRICES[engine] = VectorMatrix(engine)
        return found
